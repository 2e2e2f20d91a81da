"""The `config` verb: the settings in effect, as config.toml would hold them and as JSON."""

import json


def test_config_shows_the_settings_in_effect_and_marks_the_ones_you_set(cli, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[tracking]\nafk_timeout = 300\n[[analysis.rules]]\ncategory = "Work>Acme"\ntitle = "acme"\n')
    code, out, err = cli("--config", str(cfg), "config")
    assert code == 0, err
    lines = out.splitlines()
    assert "afk_timeout = 300  # set by you" in lines and "poll_seconds = 1" in lines
    assert "# window_pulsetime = (not set)" in lines and 'level = "INFO"' in lines
    assert "[[analysis.rules]]  # set by you" in lines and 'category = "Work > Acme"' in lines
    assert "[[analysis.goals]]" in lines  # the default goal, unmarked

    code, out, err = cli("--config", str(cfg), "config", "--json")
    assert code == 0, err
    settings = json.loads(out)["settings"]
    assert "data_dir" not in settings and set(settings) == {"tracking", "privacy", "logging", "analysis", "focus", "wakatime"}
    assert settings["tracking"] == {"poll_seconds": 1.0, "afk_timeout": 300.0, "record_input": True,
                                    "window_pulsetime": None, "device": None}
    assert settings["analysis"]["rules"][0]["category"] == "Work > Acme"
