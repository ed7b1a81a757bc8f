"""The Varnish restart's figures and verdict, from made-up answers: no servers, so these run on SQLite too."""

from reliability.varnish_restart import Readers, restart_figures


def answers(*extra):
    """Readers' answers: hits before, the window while varnishd was down, misses then hits from the new one."""
    made_up = Readers(port=0, paths=["/"], count=2)
    made_up.answers = [
        # Times in eighths of a second: exact in binary, so the one-second windows have no rounding at their edges.
        *((t / 8, "before", "200", "hit") for t in range(10)),
        (1.25, "restarting", "connection dropped", "none"),
        (1.375, "down", "connection refused", "none"),
        (2.0, "after", "200", "miss"),
        (2.125, "after", "200", "miss"),
        *((2.25 + t / 8, "after", "200", "hit") for t in range(20)),
        *extra,
    ]
    made_up.answers.sort()
    return made_up


def figures_of(load):
    return restart_figures(load, readers=2, restart_seconds=1.0, app_kept_running=True)


def test_refused_and_dropped_connections_in_the_restart_window_are_no_http_error():
    figures = figures_of(answers())

    assert figures["http_errors"] == 0
    assert figures["answers"]["down"] == {"connection refused": 1}
    assert figures["connection_failures_outside_restart"] == 0
    assert figures["hit_ratio_before"] == {"hits": 10, "misses": 0, "hit_ratio": 1.0}
    assert figures["hit_ratio_right_after"] == {"hits": 6, "misses": 2, "hit_ratio": 0.75}  # its first second
    assert figures["hit_ratio_recovered"] == {"hits": 9, "misses": 0, "hit_ratio": 1.0}  # its last second
    assert figures["passed"]


def test_an_error_page_or_a_refused_connection_outside_the_window_fails_the_run():
    assert figures_of(answers((3.0, "after", "503", "none")))["http_errors"] == 1
    assert not figures_of(answers((3.0, "after", "503", "none")))["passed"]
    assert not figures_of(answers((0.5, "before", "connection refused", "none")))["passed"]
    assert not figures_of(answers((4.75, "after", "200", "miss"), (4.875, "after", "200", "miss")))["passed"]
