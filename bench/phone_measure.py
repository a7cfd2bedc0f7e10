#!/usr/bin/env python3
"""Vendored from the project's shared tools (ours): run by bench/phone_pages.py.

Measure first-load weight and time-to-usable of a web page on a phone-sized
headless Chromium, via the Chrome DevTools Protocol. Prints JSON.

    python phone_measure.py URL \
        [--viewport 360x640] [--throttle slow|none] [--wait-selector CSS] \
        [--runs 3] [--settle-ms 2000] [--timeout 180] [--chromium /usr/bin/chromium] \
        [--storage-state state.json]

Needs the playwright package and Debian's chromium. For a page behind a
login, save a logged-in Playwright storage state first
(context.storage_state(path="state.json")) and pass --storage-state.

"slow" = 400 kbps down / 400 kbps up, 400 ms RTT, CPU slowdown 4x.
Each run uses a fresh browser context (empty cache, no service worker).
"usable" = first moment the --wait-selector matches a visible element
(page-side MutationObserver + rAF, timed with performance.now(), i.e. from
navigation start); without --wait-selector it is the load event.
Bytes are summed from Network.loadingFinished.encodedDataLength (bytes on the
wire incl. headers, after gzip/br); data: URLs are not counted.
"""
import argparse
import json
import statistics
import sys
import time

from playwright.sync_api import sync_playwright

PROFILES = {
    "slow": {"down_kbps": 400, "up_kbps": 400, "rtt_ms": 400, "cpu": 4},
    "none": None,
}

INIT_JS = r"""
(() => {
  const sel = %s;
  window.__m = { usableAt: null };
  if (!sel) return;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const check = () => {
    if (window.__m.usableAt !== null) return true;
    for (const el of document.querySelectorAll(sel)) {
      if (visible(el)) { window.__m.usableAt = performance.now(); return true; }
    }
    return false;
  };
  const loop = () => { if (!check()) requestAnimationFrame(loop); };
  const start = () => {
    new MutationObserver(() => check()).observe(document, {subtree: true, childList: true, attributes: true});
    loop();
  };
  if (document.documentElement) start();
  else document.addEventListener('readystatechange', start, {once: true});
})();
"""


def parse_viewport(s):
    w, h = s.lower().split("x")
    return {"width": int(w), "height": int(h)}


def one_run(pw_browser, args):
    vp = parse_viewport(args.viewport)
    ctx = pw_browser.new_context(viewport=vp, is_mobile=True, has_touch=True,
                                 device_scale_factor=args.dpr,
                                 storage_state=args.storage_state,
                                 service_workers="block" if args.block_sw else "allow")
    page = ctx.new_page()
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text[:300]) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append("pageerror: " + str(e)[:300]))
    page.add_init_script(INIT_JS % json.dumps(args.wait_selector))

    cdp = ctx.new_cdp_session(page)
    reqs = {}  # requestId -> dict
    last_activity = [time.monotonic()]

    def on_sent(e):
        url = e["request"]["url"]
        r = reqs.setdefault(e["requestId"], {"url": url})
        r["url"] = url
        r["type"] = e.get("type", r.get("type"))
        r["t_start"] = e["timestamp"]
        last_activity[0] = time.monotonic()

    def on_resp(e):
        r = reqs.setdefault(e["requestId"], {"url": e["response"]["url"]})
        resp = e["response"]
        r["type"] = e.get("type", r.get("type"))
        r["status"] = resp.get("status")
        r["mime"] = resp.get("mimeType")
        hdrs = {k.lower(): v for k, v in (resp.get("headers") or {}).items()}
        r["encoding"] = hdrs.get("content-encoding")
        r["from_cache"] = resp.get("fromDiskCache") or resp.get("fromServiceWorker")

    def on_data(e):
        r = reqs.setdefault(e["requestId"], {})
        r["decoded"] = r.get("decoded", 0) + e.get("dataLength", 0)

    def on_fin(e):
        r = reqs.setdefault(e["requestId"], {})
        r["encoded"] = e.get("encodedDataLength", 0)
        r["t_end"] = e["timestamp"]
        r["done"] = True
        last_activity[0] = time.monotonic()

    def on_fail(e):
        r = reqs.setdefault(e["requestId"], {})
        r["failed"] = e.get("errorText")
        r["done"] = True
        r["t_end"] = e["timestamp"]
        last_activity[0] = time.monotonic()

    cdp.on("Network.requestWillBeSent", on_sent)
    cdp.on("Network.responseReceived", on_resp)
    cdp.on("Network.dataReceived", on_data)
    cdp.on("Network.loadingFinished", on_fin)
    cdp.on("Network.loadingFailed", on_fail)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    prof = PROFILES[args.throttle]
    if prof:
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False,
            "latency": prof["rtt_ms"],
            "downloadThroughput": prof["down_kbps"] * 1000 / 8,
            "uploadThroughput": prof["up_kbps"] * 1000 / 8,
        })
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": prof["cpu"]})

    timeout_ms = args.timeout * 1000
    t0 = time.monotonic()
    nav_error = None
    try:
        page.goto(args.url, wait_until="load", timeout=timeout_ms)
    except Exception as ex:  # keep measuring what we can
        nav_error = str(ex).splitlines()[0]

    usable_ms = None
    if args.wait_selector:
        deadline = t0 + args.timeout
        while time.monotonic() < deadline:
            v = page.evaluate("window.__m && window.__m.usableAt")
            if v is not None:
                usable_ms = v
                break
            page.wait_for_timeout(100)

    # settle: wait until no request has started/finished for settle-ms
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        pending = [r for r in reqs.values() if not r.get("done") and not r.get("url", "").startswith("data:")]
        if not pending and time.monotonic() - last_activity[0] >= args.settle_ms / 1000:
            break
        page.wait_for_timeout(100)

    timing = page.evaluate("""() => {
      const n = performance.getEntriesByType('navigation')[0] || {};
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return {dcl: n.domContentLoadedEventEnd || null, load: n.loadEventEnd || null,
              fcp: fcp ? fcp.startTime : null,
              scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth};
    }""")
    if usable_ms is None and not args.wait_selector:
        usable_ms = timing["load"]

    real = [r for r in reqs.values() if r.get("url") and not r["url"].startswith("data:")]
    ok = [r for r in real if r.get("done") and not r.get("failed")]

    def kb(n):
        return round(n / 1024, 1)

    by_type = {}
    for r in ok:
        t = r.get("type") or "Other"
        d = by_type.setdefault(t, {"requests": 0, "transferred_kb": 0.0, "decoded_kb": 0.0})
        d["requests"] += 1
        d["transferred_kb"] += r.get("encoded", 0) / 1024
        d["decoded_kb"] += r.get("decoded", 0) / 1024
    for d in by_type.values():
        d["transferred_kb"] = round(d["transferred_kb"], 1)
        d["decoded_kb"] = round(d["decoded_kb"], 1)
    js = [r for r in ok if r.get("type") == "Script"]
    top = sorted(ok, key=lambda r: -r.get("encoded", 0))[:args.top]
    ctx.close()
    return {
        "nav_error": nav_error,
        "usable_ms": round(usable_ms) if usable_ms is not None else None,
        "dcl_ms": round(timing["dcl"]) if timing["dcl"] else None,
        "load_ms": round(timing["load"]) if timing["load"] else None,
        "fcp_ms": round(timing["fcp"]) if timing["fcp"] else None,
        "requests": len(ok),
        "transferred_kb": kb(sum(r.get("encoded", 0) for r in ok)),
        "decoded_kb": kb(sum(r.get("decoded", 0) for r in ok)),
        "js_requests": len(js),
        "js_transferred_kb": kb(sum(r.get("encoded", 0) for r in js)),
        "js_decoded_kb": kb(sum(r.get("decoded", 0) for r in js)),
        "by_type": by_type,
        "horizontal_scroll": timing["scrollWidth"] > timing["innerWidth"],
        "scroll_width": timing["scrollWidth"],
        "inner_width": timing["innerWidth"],
        "console_errors": console_errors,
        "failed_requests": [{"url": r["url"][:200], "error": r["failed"]} for r in real if r.get("failed")],
        "largest": [{"url": r["url"][:160], "type": r.get("type"), "transferred_kb": kb(r.get("encoded", 0)),
                     "decoded_kb": kb(r.get("decoded", 0)), "encoding": r.get("encoding")} for r in top],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url")
    ap.add_argument("--viewport", default="360x640")
    ap.add_argument("--dpr", type=float, default=2.0, help="device scale factor")
    ap.add_argument("--throttle", choices=sorted(PROFILES), default="slow")
    ap.add_argument("--wait-selector", default=None, help="CSS selector whose first visible match = usable")
    ap.add_argument("--runs", type=int, default=1, help="fresh-context runs; medians reported")
    ap.add_argument("--settle-ms", type=int, default=2000, help="network quiet period that ends a run")
    ap.add_argument("--timeout", type=int, default=180, help="seconds per run")
    ap.add_argument("--top", type=int, default=5, help="list the N largest responses")
    ap.add_argument("--block-sw", action="store_true", help="block service workers")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--storage-state", default=None,
                    help="Playwright storage state JSON (cookies) for pages behind a login")
    args = ap.parse_args()

    runs = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        for _ in range(args.runs):
            runs.append(one_run(browser, args))
        browser.close()

    def med(key):
        vals = [r[key] for r in runs if r[key] is not None]
        return round(statistics.median(vals)) if vals else None

    out = {
        "url": args.url,
        "viewport": args.viewport,
        "throttle": (args.throttle if args.throttle == "none"
                     else dict(PROFILES[args.throttle], name=args.throttle)),
        "wait_selector": args.wait_selector,
        "runs": args.runs,
        "usable_ms_median": med("usable_ms"),
        "usable_ms_all": [r["usable_ms"] for r in runs],
        "load_ms_median": med("load_ms"),
        "fcp_ms_median": med("fcp_ms"),
        "requests": runs[-1]["requests"],
        "transferred_kb": runs[-1]["transferred_kb"],
        "js_transferred_kb": runs[-1]["js_transferred_kb"],
        "js_decoded_kb": runs[-1]["js_decoded_kb"],
        "horizontal_scroll": any(r["horizontal_scroll"] for r in runs),
        "console_errors": sorted({e for r in runs for e in r["console_errors"]}),
        "last_run": runs[-1],
    }
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
