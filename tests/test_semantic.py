"""The semantic signal: the shipped model, the embeddings kept between starts, never silently off."""

import shutil

import numpy as np
import pytest

from bot.conversation import Engine, TextMessage, UserState
from bot.matching import Matcher, Outcome, prepared
from bot.matching.decision import FEATURES
from bot.matching.semantic import MODEL, SemanticIndex, VectorCache, _key, shared_embedder


def test_the_shipped_model_puts_questions_of_one_meaning_together_across_languages():
    embedder = shared_embedder()
    tax_nb, tax_de, tax_en, bins = embedder.embed(
        ["Hvordan får jeg skattekort?", "Wie bekomme ich eine Steuerkarte?",
         "I need the tax paper for my new job", "Which bin is the pizza box for?"])
    assert embedder.dim == 384
    assert np.allclose(np.linalg.norm([tax_nb, tax_de, tax_en, bins], axis=1), 1.0, atol=1e-3)
    assert tax_nb @ tax_de > tax_nb @ bins + 0.05
    assert tax_en @ tax_de > tax_en @ bins + 0.05


def test_many_texts_at_once_get_the_vectors_each_gets_alone():
    """Many texts are embedded batch by batch on all cores; a message alone on all of them."""
    embedder = shared_embedder()
    texts = [f"Hvor mange dager ferie har jeg etter {n} år i jobben?" for n in range(40)]
    together = embedder.embed(texts)
    alone = np.array([embedder.embed([t])[0] for t in texts[::13]])
    assert np.allclose(together[::13], alone, atol=1e-5)


def test_an_entry_scores_its_best_question(tmp_path):
    embedder = shared_embedder()
    index = SemanticIndex.build([["tax card", "Steuerkarte"], ["family doctor"]], embedder)
    best, rows = index.entry_cosines(embedder.embed_one("Wie bekomme ich eine Steuerkarte?"), 0, 2)
    assert best[0] > best[1]
    assert index.variant_text[rows[0]] == "Steuerkarte"


def test_the_prepared_cache_holds_the_embeddings_so_a_second_start_embeds_nothing(
        region_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(prepared, "seed_path", lambda: tmp_path / "no-seed.npz")
    folder = tmp_path / "k"
    shutil.copytree(region_dir, folder)
    embedder = shared_embedder()
    before = embedder.calls
    knowledge, matcher = prepared.load_prepared(folder)
    texts = {t for e in knowledge.entries for qs in (*e.questions.values(), e.answer.values())
             for t in qs}
    assert embedder.calls - before >= len(texts)  # each question and answer, once
    assert matcher.semantic.vectors.shape[1] == embedder.dim
    assert len(matcher.answers.rows) == sum(len(e.answer) for e in knowledge.entries)
    again = embedder.calls
    _, matcher2 = prepared.load_prepared(folder)
    assert embedder.calls == again  # read from the prepared copy: nothing embedded again
    for index in ("semantic", "answers"):
        one, two = getattr(matcher, index), getattr(matcher2, index)
        assert np.array_equal(one.vectors[one.rows], two.vectors[two.rows])


def test_a_changed_folder_embeds_only_its_new_questions(region_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "k"
    shutil.copytree(region_dir, folder)
    prepared.load_prepared(folder)
    path = folder / "faq" / "common" / "tax.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("tax card", "tax card for a summer job", 1), encoding="utf-8")
    embedder = shared_embedder()
    before = embedder.calls
    prepared.load_prepared(folder)
    assert embedder.calls - before == 1


def test_a_damaged_vector_cache_is_ignored_with_a_warning(tmp_path, caplog):
    path = tmp_path / "vectors.npz"
    path.write_bytes(b"not a zip file")
    cache = VectorCache(path)
    assert "ignoring the embedding cache" in caplog.text
    vectors = cache.vectors(["skattekort"], shared_embedder())
    assert vectors.shape == (1, 384)
    cache.save()
    assert VectorCache(path).vectors(["skattekort"], shared_embedder()).shape == (1, 384)


class CountingEmbedder:
    """A stand-in for the model: a text's vector is made of its length and first letters."""

    model = MODEL
    dim = 4

    def __init__(self):
        self.embedded: list[str] = []

    def embed(self, texts):
        self.embedded += texts
        return np.array([[len(t), ord(t[0]), ord(t[-1]), 1.0] for t in texts], dtype=np.float32)


def test_a_seed_spares_embedding_its_texts_and_is_never_written(tmp_path):
    embedder = CountingEmbedder()
    seed = tmp_path / "seed.npz"
    VectorCache(None).write(seed, ["bin", "tax"], embedder)
    written = seed.read_bytes()
    cache = VectorCache(tmp_path / "own.npz", seed=seed)
    vectors = cache.vectors(["tax", "bin", "school"], embedder)
    assert embedder.embedded == ["bin", "tax", "school"]  # the seed's two only once, to write it
    assert np.array_equal(vectors[0], [3, ord("t"), ord("x"), 1])
    cache.save()
    assert seed.read_bytes() == written
    again = VectorCache(tmp_path / "own.npz", seed=seed)
    again.vectors(["tax", "school"], embedder)
    assert embedder.embedded == ["bin", "tax", "school"]


def test_the_shipped_vectors_are_the_models_vectors_of_the_shipped_knowledge():
    from bot.config import DEFAULT_KNOWLEDGE
    from bot.knowledge import load_knowledge
    from bot.matching.meaning import embedded_texts, entry_texts
    from bot.matching.places import _PlaceFinder
    from bot.matching.semantic import seed_path

    knowledge = load_knowledge(DEFAULT_KNOWLEDGE)
    texts = sorted(set(embedded_texts(entry_texts(_PlaceFinder(knowledge), knowledge.entries))))
    embedder = shared_embedder()
    seeded = VectorCache(None, seed=seed_path())
    before = embedder.calls
    vectors = seeded.vectors(texts, embedder)
    # Refresh with `vertskap calibrate --out bot/data/calibration.json --vectors
    # bot/data/vectors.npz` when the shipped knowledge changes much.
    assert embedder.calls - before <= 0.1 * len(texts)
    sample = list(range(0, len(texts), 97))[:4]
    fresh = embedder.embed([texts[i] for i in sample])
    assert np.allclose(vectors[sample].astype(np.float32), fresh, atol=2e-3)


def test_the_vector_cache_embeds_each_text_once_and_reads_back_what_it_wrote(tmp_path):
    path = tmp_path / "vectors.npz"
    embedder = CountingEmbedder()
    cache = VectorCache(path)
    first = cache.vectors(["bin", "tax", "bin"], embedder)
    assert sorted(embedder.embedded) == ["bin", "tax"]
    assert np.array_equal(first[0], first[2])
    assert np.array_equal(cache.vectors(["tax"], embedder), first[1:2])
    cache.save()
    again = VectorCache(path).vectors(["tax", "bin"], embedder)
    assert embedder.embedded == ["bin", "tax"]  # nothing more embedded
    assert again.dtype == np.float16 and np.array_equal(again, first[[1, 0]])


def test_the_vector_cache_writes_only_the_vectors_asked_for_since_it_was_last_written(tmp_path):
    path = tmp_path / "vectors.npz"
    embedder = CountingEmbedder()
    cache = VectorCache(path)
    cache.vectors(["old question", "kept question"], embedder)
    cache.save()
    cache.vectors(["kept question", "new question"], embedder)
    cache.save()
    with np.load(path) as data:
        assert len(data["keys"]) == len(data["vectors"]) == 2
    VectorCache(path).vectors(["kept question", "new question", "old question"], embedder)
    assert embedder.embedded.count("old question") == 2
    assert embedder.embedded.count("kept question") == 1


def test_a_vector_cache_with_its_keys_written_as_text_is_still_read(tmp_path):
    """The file as written before the keys were kept as bytes."""
    path = tmp_path / "vectors.npz"
    vectors = CountingEmbedder().embed(["tax", "bin"]).astype(np.float16)
    np.savez(path, model=np.array(MODEL), keys=np.array([_key("tax"), _key("bin")]), vectors=vectors)
    embedder = CountingEmbedder()
    assert np.array_equal(VectorCache(path).vectors(["bin", "tax"], embedder), vectors[[1, 0]])
    assert not embedder.embedded


def test_a_vector_cache_of_another_model_is_not_used(tmp_path):
    path = tmp_path / "vectors.npz"
    np.savez(path, model=np.array("another-model"), keys=np.array([_key("tax")]),
             vectors=np.zeros((1, 4), dtype=np.float16))
    embedder = CountingEmbedder()
    assert VectorCache(path).vectors(["tax"], embedder)[0, 0] == 3
    assert embedder.embedded == ["tax"]


def test_the_index_shares_the_caches_vectors_rather_than_copying_them():
    embedder = CountingEmbedder()
    cache = VectorCache(None)
    index = SemanticIndex.build([["tax card", "bin"], ["doctor"]], embedder, cache)
    assert index.vectors is cache.matrix
    assert [index.vectors[r][0] for r in index.rows] == [8, 3, 6]


def test_the_semantic_scorer_is_on_in_the_services(services):
    """Fails if the assistant silently runs on words alone."""
    matcher = services.matcher
    assert matcher.semantic is not None and matcher.calibration is not None
    assert matcher.calibration.model == MODEL
    m = matcher.match("Wie bekomme ich eine Steuerkarte?")
    assert all(c.cosine is not None and c.probability is not None for c in m.candidates)
    assert m.confidence == m.candidates[0].probability


def test_meaning_finds_an_entry_that_shares_no_word_with_the_message(matcher):
    # No word of this is in the knowledge: only the meaning leads to the family doctor.
    m = matcher.match("my son has had a fever for three days, who should we see?")
    assert m.candidates[0].entry.id == "gp"
    assert m.candidates[0].score == 0.0 or m.candidates[0].cosine > 0.8


def test_an_entry_is_also_found_by_what_its_answer_says(matcher):
    entry = next(e for e in matcher.entries if e.id == "tax-card")
    answer = FEATURES.index("answer")
    m = matcher.match(entry.answer["en"], limit=100)
    by_key = {c.entry.key: c for c in m.candidates}
    # Its own answer, word for word, lies nearest; no other entry's answer comes close.
    assert by_key[entry.key].features[answer] > 0.99
    assert by_key[entry.key].features[FEATURES.index("answer_top")] == 1.0
    assert all(c.features[answer] < 0.95 for c in m.candidates if c.entry.key != entry.key)


@pytest.mark.parametrize("text,kind", [
    ("thanks for the help!", "thanks"),
    ("tusen takk", "thanks"),
    ("Hallo zusammen", "greeting"),
    ("are you a bot?", "bot"),
])
def test_small_talk_gets_a_friendly_line_never_suggestions(services, text, kind):
    m = services.matcher.match(text)
    assert m.small_talk == kind
    assert m.outcome is Outcome.FALLBACK and not m.suggestions
    turn = Engine(services).handle(UserState(language="en", onboarded=True), TextMessage(text))
    (reply,) = turn.replies
    assert not reply.buttons
    assert turn.records[0].kind == "small_talk" and not turn.records[0].text


def test_a_question_in_polish_finds_its_entry_and_is_answered_in_the_chosen_language(services):
    text = "Jak mogę dostać kartę podatkową do nowej pracy?"
    m = services.matcher.match(text, language="de")
    assert m.foreign == "pl"
    assert m.language == "de"
    assert m.candidates[0].entry.id == "tax-card"
    turn = Engine(services).handle(UserState(language="de", onboarded=True), TextMessage(text))
    assert turn.replies[0].text == "Sie haben auf Polnisch geschrieben; ich antworte auf Deutsch."


def test_with_no_language_chosen_a_foreign_question_is_answered_in_english(services):
    m = services.matcher.match("Як отримати податкову картку для роботи?")
    assert m.foreign == "uk" and m.language == "en"


def test_the_lexical_matcher_alone_has_no_semantic_side(knowledge):
    m = Matcher(knowledge, semantic=False).match("skattekort")
    assert m.candidates[0].cosine is None and m.small_talk is None
