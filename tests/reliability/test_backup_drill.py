import pytest

from reliability import backup
from reliability.run import save


@pytest.fixture(scope="module")
def figures(throwaway, tmp_path_factory):
    cluster, _redis_server = throwaway
    figures = backup.run(cluster, tmp_path_factory.mktemp("backup-drill"))
    save("backup-drill-small", figures)
    return figures


def test_a_restored_dump_has_the_same_rows_in_every_table(figures):
    assert figures["tables_with_rows"] > 10  # demo content, demo discussion and bench data all made it in
    assert figures["rows_restored"] == figures["rows"]
    assert figures["mismatched_tables"] == []
    assert figures["sequences_match"]


def test_a_restored_dump_needs_no_migration(figures):
    assert figures["restored_migrate_check_passed"], figures["migrate_check_output"]
