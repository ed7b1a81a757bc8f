"""The words the generated site is made of: names, titles and the Markdown of sections, notes and comments."""

from .scale import SEARCH_PHRASE

ADJECTIVES = [
    "Silent", "Crimson", "Hollow", "Distant", "Broken", "Golden", "Frozen", "Hidden", "Last", "Endless",
    "Electric", "Midnight", "Wandering", "Iron", "Paper", "Glass", "Burning", "Sleeping", "Northern", "Secret",
]  # fmt: skip
NOUNS = [
    "Harbour", "Kingdom", "Signal", "Garden", "Frontier", "Lighthouse", "Orchard", "Station", "Mirror", "Voyage",
    "Citadel", "Meridian", "Archive", "Cathedral", "Desert", "Engine", "Forest", "Island", "Labyrinth", "Tide",
]  # fmt: skip
FIRST_NAMES = [
    "Ada", "Bruno", "Chiara", "Dmitri", "Elena", "Felix", "Greta", "Hiro", "Ines", "Jonas", "Kiri", "Lars",
    "Mina", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomoko", "Ugo", "Vera", "Wen", "Xavier",
    "Yara", "Zoltan", "Amara", "Bjorn", "Carmen", "Dario", "Esme", "Farid", "Gael", "Hana", "Ivo", "Jun",
    "Kalani", "Leila", "Marek", "Noor",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Lindqvist", "Moreau", "Takahashi", "Petrov", "Castellano", "Nakamura", "Brennan", "Haddad",
    "Kowalski", "Fitzgerald", "Oyelaran", "Santoro", "Valdivia", "Eriksen", "Mbeki", "Rautio", "Delacroix",
    "Yamamoto", "Ferreira", "Novak", "Grimaldi", "Achterberg", "Szabo", "Quispe", "Halvorsen", "Marchetti",
    "Ibarra", "Kuznetsova", "Lemaire", "Oduya", "Prakash", "Renner", "Solberg", "Tanaka", "Uribe", "Vasquez",
    "Whitcombe", "Zielinski", "Abernathy",
]  # fmt: skip
TAG_STYLES = [
    "orchestral", "synth", "choral", "ambient", "jazz", "folk", "minimalist", "electronic", "piano", "strings",
    "brass", "percussion", "chiptune", "rock", "operatic", "leitmotif", "noir", "western", "horror", "fantasy",
]  # fmt: skip
TAG_KINDS = [
    "scores", "themes", "era", "revival", "classics", "favourites", "deep cuts", "essentials", "landmarks", "cues",
    "suites", "ballads", "anthems", "textures", "motifs", "sketches", "rarities", "debuts", "reissues", "highlights",
]  # fmt: skip
TRACK_TITLES = [
    "Main Title", "Arrival", "The Long Road", "Night Watch", "Homecoming", "Storm Front", "First Light",
    "The Chase", "Lament", "End Credits", "Reunion", "Into the Dark",
]  # fmt: skip
ARTICLE_TITLES = [
    "Why the {work} soundtrack deserves more recognition",
    "Listening again to {work}",
    "The music of {work}, track by track",
    "What {work} taught me about film music",
    "{work}: a score worth revisiting",
]
STANDFIRSTS = [
    "A score that did far more than accompany the pictures: it *told* the story.",
    "Years later, its themes still turn up in **playlists** and concert halls.",
    "An underrated soundtrack, and the handful of cues that make it special.",
    "How a small ensemble and a patient composer built something lasting.",
]
SECTION_HEADINGS = [
    "The opening theme",
    "Orchestration and texture",
    "The quiet moments",
    "Action and momentum",
    "Themes that return",
    "The final act",
    "Conclusion",
]
SECTION_BODIES = [
    "The opening cue sets out the **main theme** on solo cello, then lets the strings answer it.\n\n"
    "Listen for the way the harmony refuses to resolve until the very last bar. It is a patient, "
    "generous piece of writing that trusts the audience.",
    "Brass and low woodwinds carry most of the weight, with *muted trumpets* adding colour. The percussion is "
    "sparse and deliberate.\n\n- timpani in the climaxes\n- a single snare for the march\n- bowed cymbals for "
    "the eerie scenes",
    "Some of the best moments are almost silent: a sustained synth pad, a celesta, a breath of choir. The score "
    "knows when to step back and let the images speak.",
    "The action cues are built on ostinatos in odd meters, which keeps them restless without becoming noise. "
    "A syncopated bass line drives the chase sequences forward.",
    f"Every time the hero hesitates, the {SEARCH_PHRASE} in a new key: first on piano, then on the full "
    "orchestra, finally hummed by a choir. It is the glue of the whole soundtrack.",
    "By the final act the themes collide in a long crescendo, and the resolution arrives exactly when the story "
    "needs it. Few soundtracks earn their ending this well.",
]
CONCLUSIONS = [
    "This soundtrack deserves a place beside the acknowledged classics. Put it on, start to finish, and listen.",
    "It rewards repeated listening: each time another detail comes forward. Give it the recognition it deserves.",
]
NOTES = [
    "The cue where the *main theme* first appears in full.",
    "Listen for the **low brass** entering under the strings.",
    "A quiet, intimate piece for piano and celesta.",
    "The most exciting action cue of the soundtrack.",
]
APPEARS_IN = ["Opening titles", "The chase", "A quiet night", "The final battle", "End credits", ""]
COMMENT_BODIES = [
    "The main theme stayed with me for days.",
    "I had never noticed the **cello** line until reading this. Listening again now.",
    "Great write-up. The end credits suite is my favourite track of the whole album.",
    "Not sure I agree about the action cues, they feel a bit generic to me.",
    "This was the soundtrack of my childhood. ||The final track still makes me cry.||",
    "Has anyone found the expanded edition on vinyl?",
    "The quiet moments are the best part: *less is more*.",
    "Thanks for the recommendation, adding it to my playlist.",
]
