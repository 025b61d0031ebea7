import pytest

from notebooks import release


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    """assignment -> folder of its generated student version (generated once per session)."""
    cache = {}

    def get(assignment: str):
        if assignment not in cache:
            cache[assignment] = release(assignment, tmp_path_factory.mktemp(f"course-{assignment}"))
        return cache[assignment]

    return get
