"""A headless Chromium from the distribution, driven by Selenium, that measures the page only.

Nothing here downloads a browser or a driver: the binaries are Debian's
``chromium`` and ``chromium-driver`` (``.ci/run`` installs them; README says how
elsewhere), or the ones CHROMIUM_BINARY and CHROMEDRIVER name. Chromium's own
background traffic (updates, sync, safe browsing…) is switched off, so every
request the log shows was made by the page.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",  # as root there is no sandbox to have
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-dev-shm-usage",
    "--window-size=412,915",  # a phone
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


class BrowserMissing(RuntimeError):
    pass


def _find(variable: str, default: str, *names: str) -> str:
    given = os.environ.get(variable)
    if given:
        if not Path(given).exists():
            raise BrowserMissing(f"{variable}={given} does not exist")
        return given
    if Path(default).exists():
        return default
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserMissing(
        f"{default} not found (and {variable} unset): install Debian's chromium and chromium-driver "
        "(`apt-get install chromium chromium-driver`; see README, 'Browser tests')"
    )


@contextmanager
def chromium() -> Iterator[Any]:
    """A fresh browser with its own profile; fails with the reason when it cannot start."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = _find("CHROMIUM_BINARY", "/usr/bin/chromium", "chromium", "chromium-browser")
    driver_path = _find("CHROMEDRIVER", "/usr/bin/chromedriver", "chromedriver")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never fetch anything
    profile = tempfile.mkdtemp(prefix="casebot-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver: Any) -> list[str]:
    """Every URL the page asked for since the last call (Chrome's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def save_screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


# In the page: heading order, alt texts, language, and WCAG contrast of every visible text.
ACCESSIBILITY_PROBLEMS = r"""
function parse(c) {
  var m = c.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  var p = m[1].split(",").map(parseFloat);
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
}
function luminance(c) {
  var w = [0.2126, 0.7152, 0.0722];
  return [c.r, c.g, c.b].reduce(function (sum, v, i) {
    v /= 255;
    return sum + w[i] * (v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
  }, 0);
}
function background(el) {
  for (; el; el = el.parentElement) {
    var c = parse(getComputedStyle(el).backgroundColor);
    if (c && c.a > 0) return c;
  }
  return { r: 255, g: 255, b: 255, a: 1 };
}
var problems = [];
if (!document.documentElement.lang) problems.push("html has no lang");
var levels = Array.prototype.map.call(document.querySelectorAll("h1,h2,h3,h4,h5,h6"), function (h) {
  return +h.tagName[1];
});
if (levels[0] !== 1) problems.push("the first heading is not h1: " + levels.join(","));
if (levels.filter(function (l) { return l === 1; }).length !== 1) problems.push("not exactly one h1");
for (var i = 1; i < levels.length; i++)
  if (levels[i] > levels[i - 1] + 1) problems.push("heading level skipped: " + levels.join(","));
document.querySelectorAll("img").forEach(function (img) {
  if (!img.hasAttribute("alt")) problems.push("img without alt: " + img.src);
});
document.querySelectorAll("input:not([type=hidden])").forEach(function (input) {
  if (!input.id || !document.querySelector("label[for='" + input.id + "']")) problems.push("input without label");
});
document.querySelectorAll("body *").forEach(function (el) {
  var own = Array.prototype.some.call(el.childNodes, function (n) {
    return n.nodeType === 3 && n.textContent.trim();
  });
  if (!own || !el.getClientRects().length) return;
  var style = getComputedStyle(el);
  if (style.visibility === "hidden") return;
  var fg = parse(style.color), bg = background(el);
  var a = luminance(fg), b = luminance(bg);
  var ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  var size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
  var needed = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
  if (ratio < needed)
    problems.push("contrast " + ratio.toFixed(2) + " < " + needed + ": <" + el.tagName.toLowerCase() + "> "
      + el.textContent.trim().slice(0, 40));
});
return problems;
"""
