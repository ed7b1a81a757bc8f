"""An edge that keeps what it was asked to purge, for tests of which keys a change purges."""

from pagecache.edge_backends import EdgeCache


class RecordingEdgeCache(EdgeCache):
    purges: list[list[str]] = []

    def __init__(self, **options):
        pass

    def purge(self, keys: list[str]) -> None:
        self.purges.append(keys)

    @classmethod
    def purged(cls) -> set[str]:
        """Every key purged since the last call."""
        keys = {key for purge in cls.purges for key in purge}
        cls.purges.clear()
        return keys
