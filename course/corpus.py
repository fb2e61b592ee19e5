"""The course's text corpus: generated here, nothing downloaded or copied.

Word embeddings need text in which words that mean alike occur in alike
contexts. A generator writes such text from sentence templates and word
lists made for the course (royalty and people with a gender and an age,
countries with their capitals and languages, animals and their young, food,
verbs in three tenses, colours, numbers, jobs, and the two senses of "bank"),
and adds a few paragraphs written by hand. With ``seed=0`` it gives about
100,000 tokens, enough for skip-gram to find sensible neighbours in seconds.

- ``sentences(n_tokens, seed)``: the generated sentences, each a list of
  lower-case word tokens;
- ``tokens(n_tokens, seed)``: all of them in one list (punctuation dropped);
- ``text(n_tokens, seed)``: the same corpus as running text, with capitals
  and full stops, followed by the hand-written ``PARAGRAPHS``;
- ``tokenize(text)``: a simple word tokenizer (lower-case words, numbers and
  punctuation marks as separate tokens);
- ``word_counts(words)``: a ``{word: count}`` table, the input of BPE;
  ``BPE_WORDS`` is a small table for stepping through merges by hand;
- ``CATEGORIES``: word lists by theme (for colouring plots);
- ``JOB_FEMALE_SHARE``: the share of "she" the generator gives each job.
  **The skew is deliberate**: it imitates the stereotyped pronoun use found
  in real web text, so that the notebook can show how embeddings absorb it.

Example::

    from course import corpus
    toks = corpus.tokens()          # ['the', 'old', 'king', 'sat', 'on', ...]
    len(toks)                       # about 100,000
"""
import functools
import re
from collections import Counter

import numpy as np

__all__ = ["sentences", "tokens", "text", "tokenize", "word_counts", "PARAGRAPHS",
           "BPE_WORDS", "CATEGORIES", "JOB_FEMALE_SHARE", "ANALOGIES"]

# -- word lists --------------------------------------------------------------------------------
#: (male, female) pairs; royal or common; adult or young.
ROYALS = [("king", "queen", "adult"), ("prince", "princess", "young")]
PEOPLE = [("man", "woman", "adult"), ("boy", "girl", "young"), ("father", "mother", "adult"),
          ("son", "daughter", "young"), ("brother", "sister", "young"),
          ("husband", "wife", "adult"), ("uncle", "aunt", "adult")]
#: country, capital, language
COUNTRIES = [("france", "paris", "french"), ("italy", "rome", "italian"),
             ("spain", "madrid", "spanish"), ("germany", "berlin", "german"),
             ("japan", "tokyo", "japanese"), ("russia", "moscow", "russian"),
             ("china", "beijing", "chinese"), ("greece", "athens", "greek"),
             ("portugal", "lisbon", "portuguese"), ("poland", "warsaw", "polish")]
#: animal, plural, young, what it eats, where it lives
ANIMALS = [("dog", "dogs", "puppy", "meat", "farm"), ("cat", "cats", "kitten", "fish", "house"),
           ("horse", "horses", "foal", "hay", "farm"), ("cow", "cows", "calf", "grass", "farm"),
           ("sheep", "flock", "lamb", "grass", "farm"), ("pig", "pigs", "piglet", "corn", "farm"),
           ("lion", "lions", "cub", "meat", "forest"), ("wolf", "wolves", "pup", "meat", "forest"),
           ("fox", "foxes", "kit", "meat", "forest"), ("bear", "bears", "cub", "honey", "forest")]
FOODS = ["bread", "cheese", "apples", "rice", "soup", "cake", "pasta", "eggs", "honey", "fish",
         "butter", "oranges"]
MEALS = ["breakfast", "lunch", "dinner"]
TASTES = ["sweet", "salty", "fresh", "delicious"]
#: present, past, -ing, and what follows the verb
VERBS = [("walk", "walked", "walking", "to the park"), ("run", "ran", "running", "to the station"),
         ("eat", "ate", "eating", "some bread"), ("swim", "swam", "swimming", "in the lake"),
         ("sing", "sang", "singing", "a song"), ("write", "wrote", "writing", "a letter"),
         ("drink", "drank", "drinking", "some water"), ("cook", "cooked", "cooking", "the dinner"),
         ("play", "played", "playing", "a game"), ("go", "went", "going", "to school")]
COLOURS = ["red", "green", "blue", "yellow", "white", "black", "brown", "purple"]
THINGS = ["door", "car", "wall", "boat", "hat", "ball"]
NUMBERS = ["two", "three", "four", "five", "six", "seven", "eight", "nine"]
#: the share of sentences about each job that use "she" (the rest use "he")
JOB_FEMALE_SHARE = {"nurse": 0.9, "secretary": 0.85, "dancer": 0.8, "teacher": 0.6,
                    "doctor": 0.3, "engineer": 0.1, "pilot": 0.1}
JOB_PLACES = {"nurse": "hospital", "secretary": "office", "dancer": "theatre",
              "teacher": "school", "doctor": "hospital",
              "engineer": "factory", "pilot": "airport"}

CATEGORIES = {
    "royalty": [w for m, f, _ in ROYALS for w in (m, f)] + ["throne", "crown", "palace",
                                                              "kingdom", "royal"],
    "people": [w for m, f, _ in PEOPLE for w in (m, f)],
    "countries": [c for c, _, _ in COUNTRIES],
    "capitals": [c for _, c, _ in COUNTRIES],
    "languages": [lang for _, _, lang in COUNTRIES],
    "animals": [a for a, *_ in ANIMALS] + sorted({y for _, _, y, _, _ in ANIMALS}),
    "food": FOODS,
    "verbs": [w for v in VERBS for w in v[:3]],
    "colours": COLOURS,
    "numbers": NUMBERS,
    "jobs": list(JOB_FEMALE_SHARE),
}

#: analogies the corpus encodes: (a, b, c, d) for "a is to b as c is to d"
ANALOGIES = [("man", "king", "woman", "queen"), ("king", "queen", "prince", "princess"),
             ("france", "paris", "italy", "rome"), ("spain", "madrid", "germany", "berlin"),
             ("walk", "walked", "swim", "swam"), ("play", "playing", "cook", "cooking"),
             ("dog", "dogs", "cat", "cats"), ("france", "french", "japan", "japanese")]

# Hand-written for the course: running text for the tokenization demos.
PARAGRAPHS = [
    "The old king had ruled the northern kingdom for forty years. Every morning he climbed "
    "the tower of the palace and counted the boats on the river. His daughter, the young "
    "princess, preferred the harbour, where sailors unloaded oranges, cheese and barrels of "
    "oil. She learned their songs before she learned the names of her cousins.",
    "A river bank is not a money bank, although both hold something back. On Sunday the "
    "fishermen sat on the bank and watched the water; on Monday they stood in line at the "
    "bank to deposit the coins they had earned. A word can mean two things, and only the "
    "words around it tell you which.",
    "Tokenizers split text into pieces. Some cut at spaces, some at every character, and "
    "the cleverest learn which pieces are worth keeping: walking, walked and walker share "
    "the piece walk, and a tokenizer that notices this can read unbelievably long words it "
    "has never met.",
]

#: A small word-count table for stepping through BPE merges by hand.
BPE_WORDS = {"walk": 9, "walked": 7, "walking": 6, "talk": 8, "talked": 5, "talking": 4,
             "jump": 5, "jumped": 6, "jumping": 3, "cook": 4, "cooked": 5, "cooking": 6,
             "sing": 7, "singing": 3, "king": 6, "kings": 2, "ring": 3, "rings": 2}


# -- the generator ----------------------------------------------------------------------------
def _pick(rng, items):
    return items[int(rng.integers(len(items)))]


def _gender_words(rng):
    """One person word with its pronouns, e.g. ('queen', 'she', 'her', 'royal', 'adult')."""
    royal = rng.random() < 0.35
    table = ROYALS if royal else PEOPLE
    male, female, age = _pick(rng, table)
    if rng.random() < 0.5:
        return male, "he", "his", royal, age
    return female, "she", "her", royal, age


def _person_sentence(rng):
    word, pron, poss, royal, age = _gender_words(rng)
    age_word = "young" if age == "young" else "old"
    if royal:
        options = [
            f"the {word} sat on the throne",
            f"the {age_word} {word} wore the golden crown",
            f"the {word} rules the kingdom",
            f"{pron} is the {word} of the kingdom",
            f"the {word} said {pron} would rule the kingdom",
            f"the royal {word} lives in the palace",
            f"the {word} and {poss} guards left the palace",
            f"the people bowed to the {word}",
        ]
    else:
        options = [
            f"the {word} lives near the market",
            f"the {age_word} {word} works on the farm",
            f"{pron} is a kind {word}",
            f"the {word} said {pron} was hungry",
            f"the {word} lives in the village",
            f"the {word} and {poss} friend went home",
            f"the {age_word} {word} sold bread at the market",
            f"every day the {word} works in the village",
        ]
    return _pick(rng, options)


def _country_sentence(rng):
    country, capital, lang = _pick(rng, COUNTRIES)
    options = [
        f"{capital} is the capital of {country}",
        f"the capital of {country} is {capital}",
        f"people in {country} speak {lang}",
        f"in {country} most people speak {lang}",
        f"{lang} is spoken in {country}",
        f"the streets of {capital} are busy",
        f"we took a train to {capital}",
        f"{capital} is a big city",
        f"{country} is a country with many people",
        f"she visited {country} last year",
        f"he learned to speak {lang}",
        f"the old city of {capital} is beautiful",
    ]
    return _pick(rng, options)


def _animal_sentence(rng):
    animal, plural, young, food, home = _pick(rng, ANIMALS)
    number = _pick(rng, NUMBERS)
    options = [
        f"the {animal} eats {food}",
        f"the {animal} lives on the {home}" if home == "farm" else
        f"the {animal} lives in the {home}",
        f"the {animal} and its {young} slept",
        f"a young {animal} is called a {young}",
        f"the {young} played near its mother",
        f"we saw {number} {plural} today",
        f"there were {number} {plural} in the field",
        f"the {animal} ran across the field",
    ]
    return _pick(rng, options)


def _food_sentence(rng):
    food = _pick(rng, FOODS)
    _, pron, _, _, _ = _gender_words(rng)
    options = [
        f"{pron} ate {food} for {_pick(rng, MEALS)}",
        f"we bought {food} at the market",
        f"the {food} tastes {_pick(rng, TASTES)}",
        f"there is {food} on the table",
        f"{pron} cooked {food} for dinner",
    ]
    return _pick(rng, options)


def _verb_sentence(rng):
    present, past, ing, rest = _pick(rng, VERBS)
    _, pron, _, _, _ = _gender_words(rng)
    tense = int(rng.integers(3))
    if tense == 0:
        when = _pick(rng, ["every day", "often", "always", "usually"])
        third = present + ("es" if present.endswith("o") else "s")
        return f"{when} {pron} {third} {rest}" if rng.random() < 0.5 else \
            f"we {present} {rest} {when}"
    if tense == 1:
        when = _pick(rng, ["yesterday", "last week", "last year", "once"])
        return f"{when} {pron} {past} {rest}" if rng.random() < 0.5 else \
            f"we {past} {rest} {when}"
    when = _pick(rng, ["now", "right now", "today"])
    return f"{pron} is {ing} {rest} {when}" if rng.random() < 0.5 else \
        f"we are {ing} {rest} {when}"


def _colour_sentence(rng):
    colour, thing = _pick(rng, COLOURS), _pick(rng, THINGS)
    options = [f"the {thing} is {colour}", f"she painted the {thing} {colour}",
               f"he bought a {colour} {thing}", f"the {colour} {thing} is new"]
    return _pick(rng, options)


def _job_sentence(rng):
    job = _pick(rng, list(JOB_FEMALE_SHARE))
    pron = "she" if rng.random() < JOB_FEMALE_SHARE[job] else "he"
    place = JOB_PLACES[job]
    poss = "her" if pron == "she" else "his"
    options = [f"the {job} said {pron} was busy", f"{pron} works as a {job}",
               f"the {job} said {pron} was tired", f"{pron} is a good {job}",
               f"the {job} and {poss} friend", f"as a {job} {pron} works at the {place}"]
    return _pick(rng, options)


def _bank_sentence(rng):
    _, pron, poss, _, _ = _gender_words(rng)
    options = [f"{pron} sat on the bank of the river", "the river bank was wet",
               "fish swim in the river near the bank", "the boat drifted to the bank",
               f"{pron} put money in the bank", "the bank gave a loan",
               f"{pron} paid the money back to the bank", f"the bank keeps {poss} money"]
    return _pick(rng, options)


_THEMES = [(_person_sentence, 0.24), (_country_sentence, 0.14), (_animal_sentence, 0.12),
           (_food_sentence, 0.07), (_verb_sentence, 0.22), (_colour_sentence, 0.05),
           (_job_sentence, 0.11), (_bank_sentence, 0.05)]


@functools.lru_cache(maxsize=4)
def _sentences(n_tokens, seed):
    rng = np.random.default_rng(seed)
    makers = [m for m, _ in _THEMES]
    weights = np.array([w for _, w in _THEMES])
    weights = weights / weights.sum()
    out, count = [], 0
    while count < n_tokens:
        maker = makers[int(rng.choice(len(makers), p=weights))]
        words = tuple(maker(rng).split())
        out.append(words)
        count += len(words)
    return tuple(out)


def sentences(n_tokens=100_000, seed=0):
    """Generated sentences (a list of lists of lower-case tokens), at least
    ``n_tokens`` tokens in all; the same ``seed`` gives the same corpus."""
    return [list(s) for s in _sentences(int(n_tokens), int(seed))]


def tokens(n_tokens=100_000, seed=0):
    """The generated corpus as one list of lower-case word tokens."""
    return [t for s in _sentences(int(n_tokens), int(seed)) for t in s]


def text(n_tokens=100_000, seed=0):
    """The corpus as running text: the generated sentences with a capital and a
    full stop each, then the hand-written ``PARAGRAPHS``."""
    lines = [" ".join(s).capitalize() + "." for s in _sentences(int(n_tokens), int(seed))]
    return " ".join(lines) + "\n\n" + "\n\n".join(PARAGRAPHS)


_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[0-9]+|[^\sa-z0-9]")


def tokenize(text):
    """Lower-case ``text`` and split it into words, numbers and single
    punctuation marks: ``tokenize("The king's crown.")`` gives
    ``['the', "king's", 'crown', '.']``."""
    return _TOKEN.findall(text.lower())


def word_counts(words):
    """``{word: count}`` over an iterable of words, the input of BPE training."""
    return dict(Counter(words))
