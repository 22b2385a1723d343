"""The command line as a newcomer meets it: the console chat, check, bad settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURE_CASES, LOCALES, REAL_CASES


def _run(args: list[str], tmp_path: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "TELEGRAM_API_URL", "ADMIN_IDS")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,  # no .env here
        env={
            **clean,
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
            "DATABASE_PATH": str(tmp_path / "console.sqlite3"),
            "CASES_DIR": str(FIXTURE_CASES),
            "LOCALES_DIR": str(LOCALES),
            **env,
        },
    )


def test_console_chat_scripted_through_stdin(tmp_path: Path) -> None:
    # /start, press the first case, then its "why" button (2nd, after "sign"), then switch language.
    result = _run(["console", "--lang", "ru", "--user-id", "5"], tmp_path, "/start\n1\n2\n/language\n2\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "you> /start" in out
    assert "Политзаключ" in out or "политзаключ" in out
    assert "[1] Анна Альфа" in out
    assert "ч. 2 ст. 207.3 УК РФ" in out  # the card
    assert "Почему Анна Альфа" in out  # the why screen, after pressing button 1 on the card
    assert "Anna Alfa" in out.split("you> 2")[-1]  # Uzbek after the switch
    # No HTML tags reach the terminal.
    assert "<b>" not in out


def test_make_run_without_token_opens_the_console(tmp_path: Path) -> None:
    result = _run([], tmp_path, "/start\n", CASES_DIR=str(REAL_CASES))
    assert result.returncode == 0, result.stderr
    assert "Bakhrom Khamroev" in result.stdout


def test_check_passes_on_the_real_files(tmp_path: Path) -> None:
    result = _run(["check"], tmp_path, CASES_DIR=str(REAL_CASES))
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def test_check_reports_a_broken_case_file(tmp_path: Path) -> None:
    broken = tmp_path / "cases" / "gamma"
    broken.mkdir(parents=True)
    (broken / "case.toml").write_text('slug = "gamma"\n', encoding="utf-8")
    result = _run(["check"], tmp_path, CASES_DIR=str(tmp_path / "cases"))
    assert result.returncode == 1
    assert "gamma/case.toml: name: Field required" in result.stderr
    assert "gamma/en.toml: (file): missing" in result.stderr


def test_broken_case_file_stops_start_up_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "cases" / "gamma"
    broken.mkdir(parents=True)
    (broken / "case.toml").write_text("slug = [\n", encoding="utf-8")
    result = _run([], tmp_path, "/start\n", CASES_DIR=str(tmp_path / "cases"))
    assert result.returncode == 2
    assert "gamma/case.toml: (file): not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_setting_is_one_line_naming_it(tmp_path: Path) -> None:
    result = _run(["check"], tmp_path, ADMIN_IDS="12,abc")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "ADMIN_IDS" in result.stderr and "'abc' is not a Telegram user id" in result.stderr


def test_a_bad_token_is_named_but_never_printed(tmp_path: Path) -> None:
    result = _run(["check"], tmp_path, BOT_TOKEN="not-a-token-SECRETVALUE")
    assert result.returncode == 2
    assert "BOT_TOKEN" in result.stderr
    assert "SECRETVALUE" not in result.stderr + result.stdout


def test_bad_locale_setting(tmp_path: Path) -> None:
    result = _run(["check"], tmp_path, DEFAULT_LOCALE="de")
    assert result.returncode == 2 and "DEFAULT_LOCALE" in result.stderr


def test_two_console_users_sign_and_the_csv_exports(tmp_path: Path) -> None:
    # User 1 signs with a typed name and a city; user 2 anonymously (same database).
    first = _run(
        ["console", "--lang", "ru", "--user-id", "1"], tmp_path, "/sign alpha\n1\nМария Иванова\nКазань\n"
    )
    assert "№ 1" in first.stdout, first.stdout
    second = _run(["console", "--lang", "uz", "--user-id", "2"], tmp_path, "/sign alpha\n2\n")
    assert "2 ta imzo" in second.stdout, second.stdout
    out = tmp_path / "alpha.csv"
    export = _run(["export-signatures", "alpha", "--format", "csv", "--output", str(out)], tmp_path)
    assert export.returncode == 0, export.stderr
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == "name,city,date,locale"
    assert lines[1].startswith("Мария Иванова,Казань,") and lines[1].endswith(",ru")
    assert lines[2].startswith("Anonymous,,") and lines[2].endswith(",uz")
    as_json = _run(["export-signatures", "alpha", "--format", "json"], tmp_path)
    assert '"count": 2' in as_json.stdout
    missing = _run(["export-signatures", "nosuch"], tmp_path)
    assert missing.returncode == 2 and "nosuch" in missing.stderr


def test_console_answers_questions_in_each_language_and_nonsense_gets_the_menu(
    tmp_path: Path,
) -> None:
    lines = [
        "почему его посадили?",
        "what is he accused of?",
        "unga qanday ayblov qo'yishgan?",
        "asdf qwerty zxcv",
    ]
    result = _run(
        ["console", "--lang", "en", "--user-id", "9"],
        tmp_path,
        "\n".join(lines) + "\n",
        CASES_DIR=str(REAL_CASES),
    )
    assert result.returncode == 0, result.stderr
    replies = result.stdout.split("you> ")[1:]
    assert len(replies) == 4
    assert "В чём его обвиняют?" in replies[0] and "ч. 2 ст. 205.2" in replies[0]
    assert "What is he charged with?" in replies[1] and "Article 205.5, part 2" in replies[1]
    assert "U nimada ayblanmoqda?" in replies[2] and "RF JK 205.2-moddasi 2-qismi" in replies[2]
    assert "I can only answer questions about the cases here" in replies[3]
    for reply in replies:
        assert "sign_khamroev" in reply or "I can only answer" in reply
    # What was typed reaches neither the log nor any reply.
    assert "qwerty" not in result.stderr
    assert "qwerty" not in result.stdout.replace("you> asdf qwerty zxcv", "")


def test_an_admin_console_posts_and_a_follower_console_receives_it(tmp_path: Path) -> None:
    # The reader follows the case (button 6 on the card: sign, why, story, timeline, news, follow).
    follower = _run(["console", "--lang", "uz", "--user-id", "7"], tmp_path, "/start alpha\n6\n")
    assert "Siz bu ish yangiliklarini kuzatyapsiz" in follower.stdout, follower.stdout
    script = "/post alpha\nСуд отложил заседание.\nSud majlisi qoldirildi.\nThe hearing was postponed.\n1\n"
    admin = _run(["console", "--admin", "--user-id", "1"], tmp_path, script)
    assert admin.returncode == 0, admin.stderr
    assert "Preview · followers who read Uzbek (their own text)" in admin.stdout
    assert "Ready. One follower will receive it." in admin.stdout
    assert "Published. Sending to one follower" in admin.stdout
    assert "Sud majlisi qoldirildi." in admin.stdout  # the preview, not a delivery: 7 is not this terminal
    # The follower opens the console later: the news is the first thing they see, in Uzbek.
    later = _run(["console", "--lang", "uz", "--user-id", "7"], tmp_path, "")
    news = later.stdout.split("Ctrl-D quits.", 1)[1]
    assert "📰 Anna Alfa" in news and "Sud majlisi qoldirildi." in news, later.stdout
    assert "The hearing was postponed." not in news
    # And only once.
    again = _run(["console", "--lang", "uz", "--user-id", "7"], tmp_path, "")
    assert "Sud majlisi qoldirildi." not in again.stdout


def test_with_a_public_address_the_console_shows_the_mini_app_button_as_a_link(tmp_path: Path) -> None:
    result = _run(
        ["console", "--lang", "en"], tmp_path, "/start alpha\n1\n", PUBLIC_URL="https://cases.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert "[1] ⚡ Sign in one screen  <https://cases.example.org/app/alpha?lang=en>" in result.stdout
    assert "(opens https://cases.example.org/app/alpha?lang=en)" in result.stdout
