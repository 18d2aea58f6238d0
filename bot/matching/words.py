"""A message's words as the matcher sees them: dictionary forms, places, known words, synonyms."""

from __future__ import annotations

from bot.matching.frequency import generality_factor
from bot.matching.index import Hits, _Word
from bot.matching.places import place_term
from bot.text import fold, tokens

# How much a synonym from the thesaurus counts, against the word itself.
SYNONYM = 0.85


class MessageWords:
    """Turns text into the words the index knows (mixed into the `Matcher`)."""

    def _general(self, word: str) -> float:
        return generality_factor(self._zipf.get(word, 0.0))

    def _content(self, surface: str, lemma: str, lang: str | None = None) -> bool:
        stop = self.stop_in.get(lang, self.stop)  # all languages' where `lang` is None
        return (surface not in stop and lemma not in stop
                and not surface.isdigit() and len(surface) > 1)

    def _raw(self, text: str, lang: str | None) -> list[str]:
        """Content words of a text in `lang`, as dictionary forms: no stop words or numbers.

        The names of a municipality and its towns all become one word (`@senja`).
        """
        out = []
        cache = self._index_words
        for t in tokens(text):
            key = (t, lang)
            word = cache.get(key, "")
            if word == "":
                folded = fold(t)
                place = self._places.names.get(folded)
                if place is not None:
                    word = place_term(place)
                else:
                    lemma = self.lemmatizer.lemmas([t], lang)[0]
                    word = lemma if self._content(folded, lemma, lang) else None
                cache[key] = word
            if word is not None:
                out.append(word)
        return out

    def _words(self, raw: list[str], lemmas: list[str], place_words: dict[int, str],
               lang: str | None = None) -> list[_Word]:
        """The message's words; `lang`, when known, decides which are stop words."""
        vocab = self.vocabulary
        kept = [(i, place_term(place_words[i]) if i in place_words else lem)
                for i, lem in enumerate(lemmas)
                if i in place_words or self._content(raw[i], lem, lang)]
        out: list[_Word] = []
        j = 0
        while j < len(kept):
            i, w = kept[j]
            if i in place_words:  # decides the municipality; says nothing of the subject
                j += 1
                continue
            # Two words that are one known word: "steuer karte", "barne hage".
            if j + 1 < len(kept) and kept[j + 1][0] == i + 1 and kept[j + 1][0] not in place_words:
                joined = w + kept[j + 1][1]
                if vocab.best(joined) >= 0.9 and max(vocab.best(w), vocab.best(kept[j + 1][1])) < 0.9:
                    out.append(self._word(joined))
                    j += 2
                    continue
            out.append(self._word(w))
            j += 1
        return out

    def _word(self, w: str) -> _Word:
        """What a user's word may stand for: known words, synonyms, a compound's parts."""
        vocab = self.vocabulary
        hits = vocab.lookup(w)
        synonyms = self._synonym_hits(w, hits)
        if hits and hits[0][1] >= 0.9:
            best, sim = hits[0]
            parts = tuple(((p, sim),) for p in self._parts[best])
            return _Word(w, float(self.idf[best]), hits + synonyms, parts)
        if not synonyms:
            split = vocab.split(w, fuzzy=True)
            if split is not None:
                parts = tuple(vocab.lookup(p) for p in split)
                weight = max(float(self.idf[h[0][0]]) for h in parts)
                return _Word(w, weight, hits, parts, split=True)
        every = tuple(sorted({**dict(synonyms), **dict(hits)}.items(), key=lambda kv: -kv[1]))
        if every:
            return _Word(w, float(self.idf[every[0][0]]), every)
        return _Word(w, self.unknown_idf * self._general(w), ())

    def _synonym_hits(self, w: str, hits: Hits) -> Hits:
        """The knowledge's words that mean the same as `w` (or as the word it matched)."""
        group_ids = set(self._form_groups.get(w, ()))
        if hits and hits[0][1] >= 0.9:
            group_ids.update(self._form_groups.get(self.vocabulary.terms[hits[0][0]], ()))
        if not group_ids:
            return ()
        own = {t for t, _ in hits}
        scale = hits[0][1] if hits and hits[0][1] >= 0.9 else 1.0
        return tuple((t, SYNONYM * scale) for g in sorted(group_ids)
                     for t in self._group_terms.get(g, ()) if t not in own)
