/**
 * Which states a text names, in German or English: by name, adjective, inhabitants or capital
 * ("Russland", "russischen", "Russen", "Moskau", "Kreml" → RU). The answerer uses it to notice a
 * question about one country answered with a sentence about another ("Wie viele Panzer hat die
 * *Ukraine* verloren?" → "… habe *Russland* 4.313 Panzer … verloren"): word evidence alone scores
 * that as an answer. Pure data and lookups, no I/O.
 */
import { type Token, foldUmlauts } from '../text.js';

/**
 * One line per state: its code, then the beginnings of lower-cased words that name it; a form
 * written `=form` must be the whole word. Beginnings cover inflection and compounds
 * ("nordkorea" → Nordkoreas, nordkoreanischen, Nordkorea-Experte). Ambiguous forms are left out
 * ("Korea", "Georgia", "Guinea"), and short ones are whole words only.
 */
const STATES = `
RU russland russisch russe russen russin =russia =russian =russians moskau =moscow kreml =kremlin
UA ukrain kiew =kyiv =kiev
KP nordkorea pjöngjang =pyongyang
KR südkorea seoul
CN china chines peking =beijing
JP japan tokio =tokyo
US =usa =us amerika washington vereinigte·staaten weiße·haus
DE deutschland deutsch =germany =german =germans =berlin
FR frankreich französisch franzose franzos =france =french =paris
GB großbritannien britisch brite briten =britain =british vereinigte·königreich =london
IT italien =italy =rome =rom
ES spanien spanisch spanier =spain =spanish =madrid
PL =polen =polens polnisch =poland =polish warschau =warsaw
BY belarus weißrussland belarussisch weißrussisch =minsk
IR =iran iranisch =iranian teheran =tehran
IQ =irak =iraq irakisch =iraqi bagdad =baghdad
SY syrien syrisch =syria =syrian damaskus =damascus
IL israel =jerusalem
TR türkei türkisch =turkey =turkish ankara
IN =indien =indiens =india =indian =inder indisch neu-delhi =delhi
PK pakistan islamabad
AF afghanistan kabul
SA saudi-arabien saudi riad =riyadh
EG ägypten ägyptisch =egypt =egyptian kairo =cairo
KZ kasachstan kasachisch astana
GE georgien georgisch tiflis =tbilisi
AM armenien armenisch eriwan =yerevan
AZ aserbaidschan aserbaidschanisch =azerbaijan baku
MD moldau moldawien moldauisch =moldova chișinău kischinau
RO rumänien rumänisch =romania =romanian bukarest =bucharest
HU ungarn ungarisch =hungary =hungarian budapest
CZ tschechien tschechisch =czech =prag =prags prager =prague
SK slowakei slowakisch =slovakia bratislava
AT österreich =austria =wien =wiens =vienna
CH schweiz =switzerland
NL niederlande niederländisch holland holländisch =netherlands =dutch =amsterdam den·haag
BE belgien belgisch =belgium brüssel =brussels
SE schweden schwedisch =sweden =swedish stockholm
FI finnland finnisch =finland =finnish helsinki
NO norwegen norwegisch =norway =norwegian =oslo
DK dänemark dänisch =denmark =danish kopenhagen =copenhagen
EE estland estnisch =estonia tallinn
LV lettland lettisch =latvia =riga
LT litauen litauisch =lithuania vilnius
RS serbien serbisch =serbia =serbian belgrad =belgrade
GR griechenland griechisch =greece =greek =athen =athens
CA kanada kanadisch =canada =canadian ottawa
MX mexiko mexikanisch =mexico
BR brasilien brasilianisch =brazil brasília brasilia
AU australien australisch =australia canberra
VN vietnam hanoi
TW taiwan taipeh =taipei
MN mongolei mongolisch =mongolia ulaanbaatar ulan·bator
SG singapur =singapore
ID indonesien indonesisch =indonesia jakarta
PH philippinen philippinisch =philippines manila
TH thailand thailändisch bangkok
MM myanmar =burma birma
LA =laos laotisch vientiane
KH kambodscha =cambodia phnom
MY malaysia kuala
ZA südafrika =pretoria
NG nigeria abuja
ET äthiopien =ethiopia =addis
SD =sudan sudanesisch khartum =khartoum
LY libyen libysch =libya tripolis =tripoli
ML =mali malisch bamako
NE =niger nigrisch niamey
VE venezuela caracas
CU =kuba =cuba kubanisch havanna =havana
AR argentinien argentinisch =argentina buenos
CL =chile chilenisch
LB libanon libanesisch =lebanon beirut
JO jordanien jordanisch =amman
QA =katar =qatar katarisch doha
AE emirate =uae abu·dhabi dubai
YE jemen jemenitisch =yemen sanaa
PS palästin =gaza westjordanland
CY zypern zyprisch =cyprus nikosia
PT portug =lisbon lissabon
IE irland irisch =ireland =irish =dublin
IS =island isländ =iceland reykjavik reykjavík
LU luxemburg =luxembourg
SI slowenien slowenisch =slovenia ljubljana
HR kroatien kroatisch =croatia zagreb
BA bosnien bosnisch =bosnia sarajevo
ME montenegr podgorica
AL albanien albanisch =albania tirana
MK mazedon =macedonia skopje
BG bulgarien bulgarisch =bulgaria
XK kosovo kosovar pristina
MT =malta maltes valletta
VA vatikan =vatican
LI liechtenstein
MC =monaco monegass
AD =andorra
SM san·marino
KW kuwait
BH bahrain manama
OM =oman omanisch maskat =muscat
UZ usbek =uzbekistan taschkent =tashkent
TM turkmen aschgabat
KG kirgis bischkek
TJ tadschik duschanbe
BD bangladesch =bangladesh dhaka
NP =nepal nepales kathmandu
BT =bhutan
LK sri·lanka =colombo
MV malediv
BN =brunei
TL osttimor
NZ neuseel new·zealand
PG papua
FJ fidschi =fiji
MA marokk =morocco =rabat
DZ algeri =algeria algier
TN tunesi =tunisia =tunis
MR mauretan
SN =senegal senegales dakar
GM =gambia
GH =ghana ghanai =accra
CI elfenbeinküste ivorisch
BF burkina
LR =liberia liberian monrovia
SL sierra·leone
CM kamerun =cameroon jaunde
TD =tschad tschadisch
CF zentralafrika
SS südsudan
ER eritre asmara
DJ dschibuti =djibouti
SO somali mogadischu
KE =kenia kenian =kenya nairobi
UG =uganda ugand kampala
RW =ruanda ruand =rwanda kigali
BI =burundi
TZ tansani =tanzania dodoma
CD kongo =congo kinshasa
AO =angola angolan luanda
ZM =sambia sambisch =zambia lusaka
ZW simbabw =zimbabwe harare
MZ mosambik =mozambique maputo
MW =malawi lilongwe
NA =namibia namibisch windhuk
BW =botswana gaborone
MG madagask madagass
CO kolumbi =colombia bogotá bogota
PE =peru peruan =lima
EC =ecuador ecuadorian quito
BO bolivi
PY =paraguay
UY =uruguay
GT =guatemala
HN =honduras
NI =nicaragua nicaraguan managua
CR costa·rica
PA =panama panamai
SV =salvador salvadorian
DO dominikanische·republik
HT =haiti haitian
JM jamaika =jamaica
GY =guyana
SR =suriname
`;

/** Lower-cased words → the state they name: whole words, beginnings of words, two-word names. */
interface Gazetteer {
  readonly whole: ReadonlyMap<string, string>;
  /** Beginnings by their first three letters, longest first ("südkorea" before any shorter one). */
  readonly beginnings: ReadonlyMap<string, readonly (readonly [string, string])[]>;
  /** "vereinigte·staaten": each word's beginning, by the first word's first three letters. */
  readonly pairs: ReadonlyMap<string, readonly (readonly [string, string, string])[]>;
}

const KEY = 3;

function parseStates(table: string): Gazetteer {
  const whole = new Map<string, string>();
  const beginnings = new Map<string, [string, string][]>();
  const pairs = new Map<string, [string, string, string][]>();
  const add = <T>(map: Map<string, T[]>, key: string, value: T) =>
    map.set(key, [...(map.get(key) ?? []), value]);
  for (const line of table.split('\n')) {
    const [code, ...forms] = line.trim().split(/\s+/);
    if (!code) continue;
    for (const form of forms) {
      const [first = '', second] = form.split('·');
      if (first.length < KEY && !first.startsWith('='))
        throw new Error(`states: "${form}" is too short to be a beginning`);
      if (second !== undefined) add(pairs, first.slice(0, KEY), [first, second, code]);
      else if (first.startsWith('=')) whole.set(first.slice(1), code);
      else add(beginnings, first.slice(0, KEY), [first, code]);
    }
  }
  for (const list of beginnings.values()) list.sort((a, b) => b[0].length - a[0].length);
  return { whole, beginnings, pairs };
}

const GAZETTEER = parseStates(STATES);

/**
 * Snowball's stems fold umlauts and ß (Pjöngjang → pjongjang): the same table, folded, for stems.
 */
const FOLDED = parseStates(foldUmlauts(STATES));

/** The state a stem (from text.stem) names, or undefined: "pjongjang" → KP, "russisch" → RU. */
export function stateOfStem(stemmed: string): string | undefined {
  return lookup(FOLDED, stemmed, '');
}

/**
 * The state a lower-cased word (with the word after it, for two-word names) names, or undefined.
 */
export function stateOf(word: string, next = ''): string | undefined {
  return lookup(GAZETTEER, word, next);
}

function lookup(gazetteer: Gazetteer, word: string, next: string): string | undefined {
  const key = word.slice(0, KEY);
  for (const [first, second, code] of gazetteer.pairs.get(key) ?? [])
    if (word.startsWith(first) && next.startsWith(second)) return code;
  const exact = gazetteer.whole.get(word);
  if (exact) return exact;
  for (const [beginning, code] of gazetteer.beginnings.get(key) ?? [])
    if (word.startsWith(beginning)) return code;
  return undefined;
}

/** The states the tokens name. */
export function statesIn(tokens: readonly Token[]): Set<string> {
  return namedStates(tokens, () => true);
}

/**
 * Nouns for where a claim comes from: "nach ukrainischen Angaben", "russischen Quellen zufolge".
 */
const SOURCE_NOUN =
  /^(angaben|quellen|berichten|medienberichten|schätzungen|darstellung|zählung)$/u;

/**
 * The states a question asks about: not those it only names as the source of a figure ("laut
 * ukrainischem Generalstab", "nach ukrainischen Angaben"), which the answer need not repeat.
 */
export function statesAskedAbout(tokens: readonly Token[]): Set<string> {
  const attributed = (i: number) =>
    tokens.slice(Math.max(0, i - 3), i).some((b) => b.text === 'laut') ||
    SOURCE_NOUN.test(tokens[i + 1]?.text ?? '');
  return namedStates(tokens, (i) => !attributed(i));
}

/** The states named by the tokens at the positions `keep` accepts. */
function namedStates(tokens: readonly Token[], keep: (i: number) => boolean): Set<string> {
  const found = new Set<string>();
  tokens.forEach((t, i) => {
    const code = stateOf(t.text, tokens[i + 1]?.text);
    if (code && keep(i)) found.add(code);
  });
  return found;
}
