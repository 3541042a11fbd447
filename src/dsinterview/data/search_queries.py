"""Simulated search-query logs: millions of events over a heavy-tailed query vocabulary,
with known truth.

:func:`make_search_queries` draws a population of search events (one row per query
typed) and the small vocabulary table the events point into. Every parameter of the
generator is ground truth, and because the whole population is returned, every quantity
a sample estimates (play rate per tier and country, share of tail queries, number of
distinct queries) can also be computed exactly on all rows.

How the data are made (all vectorised, one seeded ``numpy.random.Generator``):

1. **Vocabulary.** ``n_queries`` distinct query strings of five kinds (titles, people,
   genres, partial queries typed half-way, misspellings), unique by construction. Each
   query gets a popularity rank: a kind-dependent latent score plus Gumbel noise, sorted
   (titles and genres lean to the head, partial and misspelled queries to the tail).
   Popularity is Zipf-Mandelbrot, ``p(rank) ∝ 1 / (rank + offset) ** exponent``. The
   frequency tier is a function of the rank: the ``head_size`` most popular queries are
   "head", the next up to ``torso_size`` are "torso", the rest "tail".
2. **Users.** ``n_users`` users, each with a country, a language (depends on the
   country), a primary device, an activity weight (log-normal) and a personal play
   propensity (normal, sd ``user_effect_sd`` on the logit scale: this is what makes
   events of one user correlated).
3. **Sessions.** Sessions are drawn for users in proportion to their activity; a session
   has a device (the user's primary one with probability 0.8), an hour of day from a
   daily cycle peaking at 21:00, and ``1 + Geometric`` searches with mean
   ``mean_session_length``.
4. **Events.** Each search picks a query from the Zipf popularity (drawn as multinomial
   counts then shuffled, which is the same distribution as independent draws and much
   faster), and leads to a play with probability
   ``logistic(intercept + kind + tier + query noise + device + country + hour + user)``
   with the coefficients in :data:`PLAY_MODEL`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dsinterview._validate import check_int, check_real

COUNTRIES: tuple[str, ...] = ("US", "BR", "GB", "DE", "IN", "JP")
COUNTRY_SHARE: tuple[float, ...] = (0.35, 0.15, 0.12, 0.10, 0.18, 0.10)
LANGUAGES: tuple[str, ...] = ("en", "es", "pt", "de", "hi", "ja")
#: Probability of each language (columns, in LANGUAGES order) for a user of each country
#: (rows).
LANGUAGE_GIVEN_COUNTRY: tuple[tuple[float, ...], ...] = (
    (0.85, 0.15, 0.00, 0.00, 0.00, 0.00),  # US
    (0.05, 0.00, 0.95, 0.00, 0.00, 0.00),  # BR
    (1.00, 0.00, 0.00, 0.00, 0.00, 0.00),  # GB
    (0.10, 0.00, 0.00, 0.90, 0.00, 0.00),  # DE
    (0.60, 0.00, 0.00, 0.00, 0.40, 0.00),  # IN
    (0.05, 0.00, 0.00, 0.00, 0.00, 0.95),  # JP
)
DEVICES: tuple[str, ...] = ("tv", "mobile", "web", "tablet")
DEVICE_SHARE: tuple[float, ...] = (0.45, 0.35, 0.15, 0.05)
KINDS: tuple[str, ...] = ("title", "person", "genre", "partial", "misspelled")
KIND_SHARE: tuple[float, ...] = (0.45, 0.15, 0.05, 0.20, 0.15)
#: Mean latent popularity score by kind (added to standard Gumbel noise before ranking).
KIND_POPULARITY: tuple[float, ...] = (1.0, 0.0, 1.5, -0.5, -1.0)
TIERS: tuple[str, ...] = ("head", "torso", "tail")

#: The logit model of "this search led to a play"; every entry is ground truth.
PLAY_MODEL: dict[str, object] = {
    "intercept": -0.3,
    "kind": dict(zip(KINDS, (0.8, 0.0, 0.3, -0.6, -0.9))),
    "tier": dict(zip(TIERS, (0.4, 0.0, -0.4))),
    "query_sd": 0.5,
    "device": dict(zip(DEVICES, (0.5, -0.4, 0.0, -0.1))),
    "country": dict(zip(COUNTRIES, (0.0, 0.1, 0.05, -0.1, -0.5, -0.3))),
    "hour_amplitude": 0.3,  # + hour_amplitude * cos(2 pi (hour - 21) / 24)
}
#: Strength of the daily cycle of search volume:
#: p(hour) ∝ exp(HOUR_CYCLE * cos(2 pi (hour - 21) / 24)).
HOUR_CYCLE: float = 1.0

_ADJ = (
    "silent dark lost last red broken hidden golden wild secret frozen bright "
    "little crimson endless strange final savage quiet burning hollow iron midnight "
    "lonely electric royal sacred deadly empty perfect northern fallen velvet "
    "shadow scarlet wicked gentle distant"
).split()
_NOUN = (
    "harbor kingdom river house city garden empire witness island signal mirror "
    "storm crown forest station border orchard letter bridge circus engine heart "
    "planet winter summer hunter doctor queen pilot village machine tower ocean "
    "desert wolves dragon ghost detective family stranger academy legacy frontier "
    "hotel prison diary heist agent"
).split()
_SUFFIX = [
    "",
    " 2",
    " 3",
    " returns",
    " origins",
    " the series",
    " the movie",
    " reloaded",
    " rising",
    " season 2",
    " christmas",
    " chronicles",
    " files",
    " reborn",
    " legacy",
    " kids",
    " live",
    " unleashed",
    " forever",
    " redemption",
]
_ARTICLE = ["the ", "", "a "]
_FIRST = (
    "ana maria john li wei sofia lucas emma noah mia yuki hana ravi priya omar lena "
    "jonas paula diego aiko chen sara ivan nina leo zoe kai maya tom eva raj ines "
    "oscar julia felix amara tariq elsa mateo rosa"
).split()
_LAST = (
    "silva smith garcia muller kim tanaka sharma rossi novak costa lopez weber sato "
    "khan moreau santos berg ito patel brown diaz schmidt jones park wong okafor "
    "nguyen haddad kowalski fischer romero suzuki mehta walker ferreira lindqvist "
    "ortiz yamamoto dubois reyes"
).split()
_GENRE = (
    "comedy drama horror thriller romance documentary anime action crime fantasy "
    "sci-fi western musical mystery reality kdrama standup animated war sports"
).split()
_GENRE_MOD = [
    "",
    " movies",
    " series",
    " shows",
    " for kids",
    " 2020s",
    " classics",
    " new",
    " korean",
    " spanish",
    " british",
    " japanese",
    " indian",
    " short",
    " true story",
    " family",
    " dark",
    " funny",
    " best",
    " top 10",
]
_GENRE_PRE = [
    "",
    "best ",
    "new ",
    "top ",
    "90s ",
    "80s ",
    "old ",
    "short ",
    "award winning ",
    "scary ",
]


@dataclass(frozen=True)
class SearchQueryData:
    """The population of search events, the vocabulary they point into, and the
    generator's parameters.

    Attributes:
        events: one row per search, ``n_events`` rows: ``query_id`` (int32, row of
            ``queries``), ``user_id`` (int32), ``session_id`` (int32), ``country``,
            ``language``, ``device``, ``tier`` (pandas Categoricals), ``hour`` (int8,
            0-23, local) and ``played`` (bool: the search led to a play).
        queries: one row per distinct query, ``n_queries`` rows, indexed by
            ``query_id``: ``text``, ``kind`` and ``tier`` (Categoricals), ``rank``
            (0 = most popular), ``popularity`` (the true probability that a search is
            this query) and ``logit`` (its query-level play effect).
        users: one row per user, indexed by ``user_id``: ``country``, ``language``,
            ``device`` (primary), ``activity`` and ``effect`` (logit-scale play
            propensity).
        params: every argument of :func:`make_search_queries` (the ground truth, with
            :data:`PLAY_MODEL`).
    """

    events: pd.DataFrame
    queries: pd.DataFrame
    users: pd.DataFrame
    params: dict[str, object] = field(default_factory=dict)


def _vocabulary(
    rng: np.random.Generator, n_queries: int
) -> tuple[np.ndarray, np.ndarray]:
    """Unique query strings and their kinds; every kind gets its share (largest
    remainders)."""
    share = np.asarray(KIND_SHARE) * n_queries
    counts = np.floor(share).astype(int)
    counts[
        np.argsort(-(share - counts), kind="stable")[: n_queries - counts.sum()]
    ] += 1
    A, N, S, R = len(_ADJ), len(_NOUN), len(_SUFFIX), len(_ARTICLE)
    n_title_space = A * N * S * R

    def titles(codes: np.ndarray) -> np.ndarray:
        a, rest = np.divmod(codes, N * S * R)
        b, rest = np.divmod(rest, S * R)
        s, r = np.divmod(rest, R)
        out = np.strings.add(np.asarray(_ARTICLE)[r], np.asarray(_ADJ)[a])
        out = np.strings.add(np.strings.add(out, " "), np.asarray(_NOUN)[b])
        return np.strings.add(out, np.asarray(_SUFFIX)[s])

    seen: set[str] = set()
    texts: list[np.ndarray] = []
    # titles: distinct codes of the title space
    title_codes = rng.choice(n_title_space, size=counts[0], replace=False)
    base_titles = titles(title_codes)
    parts = {"title": base_titles}
    # people: first [middle initial] last, distinct codes
    F, L = len(_FIRST), len(_LAST)
    person_codes = rng.choice(F * L * 27, size=counts[1], replace=False)
    f, rest = np.divmod(person_codes, L * 27)
    last, initial = np.divmod(rest, 27)
    initials = np.asarray([""] + [f" {c}." for c in "abcdefghijklmnopqrstuvwxyz"])
    parts["person"] = np.strings.add(
        np.strings.add(np.strings.add(np.asarray(_FIRST)[f], initials[initial]), " "),
        np.asarray(_LAST)[last],
    )
    # genres: genre + one or two modifiers, distinct codes
    G, M, P = len(_GENRE), len(_GENRE_MOD), len(_GENRE_PRE)
    genre_codes = rng.choice(
        P * G * M * M, size=min(3 * counts[2], P * G * M * M), replace=False
    )
    pre, rest = np.divmod(genre_codes, G * M * M)
    g, rest = np.divmod(rest, M * M)
    m1, m2 = np.divmod(rest, M)
    parts["genre"] = np.strings.add(
        np.strings.add(
            np.strings.add(np.asarray(_GENRE_PRE)[pre], np.asarray(_GENRE)[g]),
            np.asarray(_GENRE_MOD)[m1],
        ),
        np.asarray(_GENRE_MOD)[m2],
    )
    # partial queries: a prefix of some title (oversample, then keep the new distinct
    # ones)
    src = titles(rng.integers(0, n_title_space, size=3 * counts[3] + 100))
    lengths = np.strings.str_len(src)
    cut = 3 + np.floor(rng.random(src.size) * np.maximum(lengths - 4, 1)).astype(
        np.int64
    )
    parts["partial"] = np.strings.slice(src, 0, cut)
    # misspellings: a title with one character dropped or doubled
    src = titles(rng.integers(0, n_title_space, size=3 * counts[4] + 100))
    lengths = np.strings.str_len(src)
    pos = 1 + np.floor(rng.random(src.size) * (lengths - 2)).astype(np.int64)
    drop = rng.random(src.size) < 0.5
    head = np.strings.slice(src, 0, pos)
    tail = np.strings.slice(src, np.where(drop, pos + 1, pos), None)
    dup = np.where(drop, "", np.strings.slice(src, pos, pos + 1))
    parts["misspelled"] = np.strings.add(np.strings.add(head, dup), tail)

    kinds: list[np.ndarray] = []
    for k, (kind, cand) in enumerate(parts.items()):
        # keep the first occurrences not seen before, in draw order, up to this kind's
        # count
        keep = [t for t in dict.fromkeys(cand.tolist()) if t not in seen][: counts[k]]
        if len(keep) < counts[k]:
            raise ValueError(
                f"n_queries={n_queries} is too large for the {kind} vocabulary; use "
                "fewer queries"
            )
        seen.update(keep)
        texts.append(np.asarray(keep, dtype=object))
        kinds.append(np.full(counts[k], k, dtype=np.int8))
    return np.concatenate(texts), np.concatenate(kinds)


def make_search_queries(
    n_events: int = 5_000_000,
    *,
    n_queries: int = 200_000,
    n_users: int = 200_000,
    zipf_exponent: float = 1.0,
    zipf_offset: float = 5.0,
    head_size: int = 1_000,
    torso_size: int = 20_000,
    mean_session_length: float = 2.5,
    user_effect_sd: float = 0.8,
    seed: int = 2026,
) -> SearchQueryData:
    """Draw a population of ``n_events`` search events with known structure (see the
    module docstring).

    Args:
        n_events: number of search events (rows of ``events``).
        n_queries: size of the query vocabulary (at most 250,000).
        n_users: number of users.
        zipf_exponent, zipf_offset: popularity of the query of rank ``r`` (0-based) is
            proportional to ``(r + 1 + zipf_offset) ** -zipf_exponent``.
        head_size, torso_size: the ``head_size`` most popular queries are the head tier,
            the ranks below ``torso_size`` the torso, the rest the tail.
        mean_session_length: mean number of searches per session (at least 1).
        user_effect_sd: sd of the users' play propensity on the logit scale (0 makes
            users exchangeable).
        seed: seed of the one random generator used throughout.

    Returns:
        A :class:`SearchQueryData` with ``events``, ``queries``, ``users`` and
        ``params``.

    Raises:
        TypeError, ValueError: for a non-integer count, a size out of range or a
            non-positive parameter.
    """
    n_events = check_int(n_events, "n_events", minimum=1)
    n_queries = check_int(n_queries, "n_queries", minimum=10)
    if n_queries > 250_000:
        raise ValueError(
            "n_queries must be at most 250000 (the size of the string vocabulary); "
            f"got {n_queries}"
        )
    n_users = check_int(n_users, "n_users", minimum=1)
    zipf_exponent = check_real(zipf_exponent, "zipf_exponent", minimum=0.0, strict=True)
    zipf_offset = check_real(zipf_offset, "zipf_offset", minimum=0.0)
    head_size = check_int(head_size, "head_size", minimum=1)
    torso_size = check_int(torso_size, "torso_size", minimum=1)
    if not head_size < torso_size < n_queries:
        raise ValueError(
            f"need head_size < torso_size < n_queries; got {head_size}, "
            f"{torso_size}, {n_queries}"
        )
    mean_session_length = check_real(
        mean_session_length, "mean_session_length", minimum=1.0
    )
    user_effect_sd = check_real(user_effect_sd, "user_effect_sd", minimum=0.0)
    seed = check_int(seed, "seed", minimum=0)
    params = dict(
        n_events=n_events,
        n_queries=n_queries,
        n_users=n_users,
        zipf_exponent=zipf_exponent,
        zipf_offset=zipf_offset,
        head_size=head_size,
        torso_size=torso_size,
        mean_session_length=mean_session_length,
        user_effect_sd=user_effect_sd,
        seed=seed,
    )
    rng = np.random.default_rng(seed)
    pm = PLAY_MODEL

    # 1. vocabulary, popularity ranks and tiers
    text, kind = _vocabulary(rng, n_queries)
    score = np.asarray(KIND_POPULARITY)[kind] + rng.gumbel(size=n_queries)
    rank = np.empty(n_queries, dtype=np.int64)
    rank[np.argsort(-score, kind="stable")] = np.arange(n_queries)
    popularity = (rank + 1.0 + zipf_offset) ** -zipf_exponent
    popularity /= popularity.sum()
    tier = np.where(rank < head_size, 0, np.where(rank < torso_size, 1, 2)).astype(
        np.int8
    )
    q_logit = (
        np.asarray(list(pm["kind"].values()))[kind]
        + np.asarray(list(pm["tier"].values()))[tier]
        + pm["query_sd"] * rng.standard_normal(n_queries)
    )
    queries = pd.DataFrame(
        {
            "text": pd.array(text, dtype="string"),
            "kind": pd.Categorical.from_codes(kind, KINDS),
            "tier": pd.Categorical.from_codes(tier, TIERS),
            "rank": rank,
            "popularity": popularity,
            "logit": q_logit,
        }
    )
    queries.index.name = "query_id"

    # 2. users
    u_country = rng.choice(len(COUNTRIES), size=n_users, p=COUNTRY_SHARE).astype(
        np.int8
    )
    lang_cdf = np.cumsum(np.asarray(LANGUAGE_GIVEN_COUNTRY), axis=1)
    u_lang = (
        (rng.random(n_users)[:, None] > lang_cdf[u_country]).sum(axis=1).astype(np.int8)
    )
    u_device = rng.choice(len(DEVICES), size=n_users, p=DEVICE_SHARE).astype(np.int8)
    activity = rng.lognormal(0.0, 1.0, size=n_users)
    u_effect = user_effect_sd * rng.standard_normal(n_users)
    users = pd.DataFrame(
        {
            "country": pd.Categorical.from_codes(u_country, COUNTRIES),
            "language": pd.Categorical.from_codes(u_lang, LANGUAGES),
            "device": pd.Categorical.from_codes(u_device, DEVICES),
            "activity": activity,
            "effect": u_effect,
        }
    )
    users.index.name = "user_id"

    # 3. sessions: enough of them to hold n_events searches; the last one is cut short
    n_sess = int(np.ceil(n_events / mean_session_length * 1.1)) + 10
    length = rng.geometric(1.0 / mean_session_length, size=n_sess)
    while (
        length.sum() < n_events
    ):  # pragma: no cover - 10% slack makes this practically unreachable
        length = np.concatenate(
            [length, rng.geometric(1.0 / mean_session_length, size=n_sess)]
        )
    ends = np.cumsum(length)
    n_sess = int(np.searchsorted(ends, n_events) + 1)
    length = length[:n_sess]
    length[-1] -= ends[n_sess - 1] - n_events
    s_user = np.repeat(
        np.arange(n_users, dtype=np.int32),
        rng.multinomial(n_sess, activity / activity.sum()),
    )
    rng.shuffle(s_user)
    s_device = np.where(
        rng.random(n_sess) < 0.8,
        u_device[s_user],
        rng.choice(len(DEVICES), size=n_sess, p=DEVICE_SHARE),
    ).astype(np.int8)
    hours = np.arange(24)
    hour_p = np.exp(HOUR_CYCLE * np.cos(2 * np.pi * (hours - 21) / 24))
    s_hour = rng.choice(24, size=n_sess, p=hour_p / hour_p.sum()).astype(np.int8)

    # 4. events
    session_id = np.repeat(np.arange(n_sess, dtype=np.int32), length)
    user_id = s_user[session_id]
    query_id = np.repeat(
        np.arange(n_queries, dtype=np.int32), rng.multinomial(n_events, popularity)
    )
    rng.shuffle(query_id)
    country = u_country[user_id]
    device = s_device[session_id]
    hour = s_hour[session_id]
    hour_effect = pm["hour_amplitude"] * np.cos(2 * np.pi * (hours - 21) / 24)
    logit = (
        pm["intercept"]
        + q_logit[query_id]
        + np.asarray(list(pm["device"].values()))[device]
        + np.asarray(list(pm["country"].values()))[country]
        + hour_effect[hour]
        + u_effect[user_id]
    )
    played = (
        rng.logistic(size=n_events) < logit
    )  # P(L < x) = logistic(x) for standard logistic L
    events = pd.DataFrame(
        {
            "query_id": query_id,
            "user_id": user_id,
            "session_id": session_id,
            "country": pd.Categorical.from_codes(country, COUNTRIES),
            "language": pd.Categorical.from_codes(u_lang[user_id], LANGUAGES),
            "device": pd.Categorical.from_codes(device, DEVICES),
            "tier": pd.Categorical.from_codes(tier[query_id], TIERS),
            "hour": hour,
            "played": played,
        }
    )
    return SearchQueryData(events=events, queries=queries, users=users, params=params)
