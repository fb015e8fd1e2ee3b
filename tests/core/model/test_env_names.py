"""`ADLMON_<NAME>_*`: ASCII names keep their historical form; any other name gets a form that
cannot be shared by accident (issue 9 item 3)."""

from __future__ import annotations

from adl_monitor.core.model.account_spec import AccountSpec, env_collision_problem, env_name


def test_ascii_names_keep_the_form_existing_users_rely_on() -> None:
    assert AccountSpec("binance main", "binanceusdm").env_prefix == "ADLMON_BINANCE_MAIN_"
    assert AccountSpec("okx-2", "okx").env_prefix == "ADLMON_OKX_2_"


def test_non_latin_names_get_distinct_forms() -> None:
    names = ["Основной", "Запасной", "Основной2", "主账户", "副账户", "日本", "Ελλάδα"]
    forms = {env_name(name) for name in names}
    assert len(forms) == len(names)
    assert all(
        form.strip("_") and set(form) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
        for form in forms
    )


def test_accented_latin_names_keep_a_readable_part_and_stay_apart() -> None:
    assert env_name("café").startswith("CAFE_")
    assert env_name("café") != env_name("cafe") and env_name("café") != env_name("cafè")


def test_the_form_is_stable_across_runs() -> None:
    assert env_name("Основной") == "422F550C"


def test_a_colliding_name_is_named_with_the_account_it_collides_with() -> None:
    existing = [AccountSpec("main-acct", "okx")]
    for name in ("main.acct", "MAIN_ACCT", "Main Acct"):
        problem = env_collision_problem(name, existing)
        assert problem is not None and "'main-acct'" in problem and "ADLMON_MAIN_ACCT_" in problem
    assert env_collision_problem("main-acct", existing) is None  # itself
    assert env_collision_problem("other", existing) is None
