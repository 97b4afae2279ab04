// aioweb's dashboard script: no framework, no build step. Everything
// untrusted (task names, results, log lines) goes into the page as text
// (textContent), never as HTML. Every button runs a verb of the command
// table through POST /exec; live views follow Server-Sent Events.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (sel, root) => (root || document).querySelector(sel);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // exec runs one command (its words) and resolves to the answer.
  async function exec(argv, json) {
    const r = await fetch("/exec", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ argv: argv, json: !!json }),
    });
    let a;
    try { a = await r.json(); } catch (e) { a = { ok: false, error: { message: r.status + " " + r.statusText } }; }
    return a;
  }
  function say(text, bad) {
    const m = $("#msg");
    m.textContent = text;
    m.classList.toggle("bad", !!bad);
    m.hidden = !text;
  }
  const answerText = (a) => a.ok ? (a.text || "done").trim() : ((a.error && a.error.message) || "failed");

  document.addEventListener("click", async (ev) => {
    const b = ev.target.closest("button[data-verb]");
    if (!b) return;
    const verb = b.dataset.verb, name = b.dataset.name;
    if (verb === "delete" && !window.confirm("Delete task " + name + "?")) return;
    b.disabled = true;
    try { const a = await exec([verb, name]); say(answerText(a), !a.ok); }
    finally { b.disabled = false; }
  });

  function live(on) {
    const l = $("#live");
    l.hidden = false; // shown on the pages that follow a stream
    l.textContent = on ? "live" : "offline";
    l.classList.toggle("off", !on);
  }

  const pad = (n) => String(n).padStart(2, "0");
  function when(s) {
    if (!s) return "";
    const d = new Date(s);
    if (isNaN(d) || d.getFullYear() < 2) return "";
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  function dotClass(state) {
    switch (state) {
      case "running": return "dot st-green";
      case "stopped": case "restarting": case "stopping": return "dot st-yellow";
      case "error": case "gave-up": return "dot st-red";
      case "scheduled": return "dot st-cyan";
    }
    return "dot st-grey";
  }
  function buttons(name) {
    const s = el("span", "buttons");
    for (const v of ["start", "stop", "restart", "delete"]) {
      const b = el("button", v === "delete" ? "danger" : "", v);
      b.type = "button"; b.dataset.verb = v; b.dataset.name = name;
      s.append(b, " ");
    }
    return s;
  }

  // The status stream: a snapshot of every task after each change.
  function followStatus(onSnapshot) {
    const es = new EventSource("/events");
    es.onopen = () => live(true);
    es.onerror = () => live(false);
    es.addEventListener("status", (e) => {
      onSnapshot(JSON.parse(e.data));
      document.body.dataset.snapshots = Number(document.body.dataset.snapshots || 0) + 1; // for tests
    });
    es.addEventListener("failure", (e) => say(JSON.parse(e.data), true));
  }

  // Overview: the filter takes * patterns (a whole-name match), or text
  // that a name contains.
  function matcher(f) {
    f = f.trim();
    if (!f) return () => true;
    if (f.includes("*")) {
      const re = new RegExp("^" + f.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$");
      return (n) => re.test(n);
    }
    return (n) => n.includes(f);
  }
  function overview() {
    const body = $("#tasks"), filter = $("#filter"), counts = $("#counts");
    const applyFilter = () => {
      const m = matcher(filter.value);
      for (const tr of body.rows) tr.classList.toggle("hidden", !m(tr.dataset.name));
      const u = new URL(location.href);
      if (filter.value) u.searchParams.set("filter", filter.value); else u.searchParams.delete("filter");
      history.replaceState(null, "", u);
    };
    filter.addEventListener("input", applyFilter);
    applyFilter();
    followStatus((tasks) => {
      const rows = [], n = {};
      for (const t of tasks) {
        n[t.state] = (n[t.state] || 0) + 1;
        const tr = el("tr");
        tr.dataset.name = t.name; tr.dataset.state = t.state;
        const dot = el("span", dotClass(t.state)); dot.title = t.state;
        const a = el("a", "", t.name); a.href = "/task?name=" + encodeURIComponent(t.name);
        const cells = [dot, a, el("span", "", t.state), when(t.ended && !(Date.parse(t.ended) < Date.parse(t.since)) ? t.ended : t.since), t.result,
          t.schedule ? when(t.schedule.next) : "", String(t.restarts || 0), buttons(t.name)];
        cells.forEach((c, i) => {
          const td = el("td", i === 2 ? "state" : i === 4 ? "result" : "");
          td.append(c);
          tr.append(td);
        });
        rows.push(tr);
      }
      body.replaceChildren(...rows);
      counts.replaceChildren(...Object.keys(n).sort().map((s) => {
        const c = el("span", "count");
        c.append(el("span", dotClass(s)), s + ": " + n[s]);
        return c;
      }));
      applyFilter();
    });
  }

  // Log lines into an <ol>, at most max of them, scrolled to the end.
  function lineList(ol, max) {
    return (ev) => {
      const li = el("li", ev.lost ? "lost" : "lv-" + (ev.level || ""), ev.lost ? "-- " + ev.lost + " lines lost --" : ev.text);
      const atEnd = ol.scrollTop + ol.clientHeight >= ol.scrollHeight - 4;
      ol.append(li);
      while (ol.children.length > max) ol.firstChild.remove();
      if (atEnd) ol.scrollTop = ol.scrollHeight;
    };
  }
  // followLog opens the log stream for the query; a refused query (a bad
  // regexp) closes the stream, and the same request says why.
  function followLog(query, onLine, onError) {
    const url = "/log/events?" + query;
    const es = new EventSource(url);
    es.onopen = () => live(true);
    es.addEventListener("line", (e) => onLine(JSON.parse(e.data)));
    es.onerror = async () => {
      live(false);
      if (es.readyState !== EventSource.CLOSED) return; // it reconnects by itself
      try {
        const r = await fetch(url, { credentials: "same-origin" });
        const a = await r.json();
        onError((a.error && a.error.message) || r.statusText);
      } catch (e) { onError("log stream closed"); }
    };
    return es;
  }

  function logPage() {
    const form = $("#log-form"), ol = $("#lines"), err = $("#log-error"), lost = $("#lost");
    let es, timer, nLost = 0;
    const add = lineList(ol, 2000);
    const open = () => {
      if (es) es.close();
      ol.replaceChildren(); err.hidden = true; nLost = 0; lost.hidden = true;
      const q = new URLSearchParams(new FormData(form));
      for (const [k, v] of [...q]) if (!v) q.delete(k);
      history.replaceState(null, "", "/log" + (q.toString() ? "?" + q : ""));
      es = followLog(q.toString(), (ev) => {
        if (ev.lost) { nLost += ev.lost; lost.textContent = nLost + " lines lost"; lost.hidden = false; }
        add(ev);
      }, (msg) => { err.textContent = msg; err.hidden = false; });
    };
    form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(open, 200); });
    form.addEventListener("submit", (e) => { e.preventDefault(); open(); });
    open();
  }

  function taskPage() {
    const sec = $("#task");
    const name = sec.dataset.name;
    if ($("#state")) {
      followStatus((tasks) => {
        const t = tasks.find((x) => x.name === name);
        $("#dot").className = dotClass(t ? t.state : "");
        $("#state").textContent = t ? t.state : "deleted";
        if (!t) return;
        $("#since").textContent = when(t.since);
        $("#ended").textContent = when(t.ended);
        $("#result").textContent = t.result;
        $("#restarts").textContent = String(t.restarts || 0);
        if (t.traceback !== undefined) $("#traceback").textContent = t.traceback;
      });
    }
    $("#args-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const out = $("#args-error");
      const a = await exec(["set", "args", name, $("#args").value]);
      out.textContent = a.ok ? "" : answerText(a);
      out.hidden = a.ok;
      if (a.ok) say(answerText(a));
    });
    const ol = $("#lines");
    const last = ol.lastElementChild ? ol.lastElementChild.dataset.id : "";
    const q = new URLSearchParams({ task: name });
    if (last) q.set("last", last);
    followLog(q.toString(), lineList(ol, 500), (m) => say(m, true));
  }

  function servicesPage() {
    document.addEventListener("change", async (e) => {
      const t = e.target.closest("input.toggle");
      if (!t) return;
      const a = await exec(["services", t.checked ? "enable" : "disable", t.dataset.service]);
      if (!a.ok) t.checked = !t.checked;
      say(answerText(a), !a.ok);
    });
    for (const f of document.querySelectorAll("form.config")) {
      const ta = $("textarea", f), out = $(".cfg-error", f);
      let saved = ta.value;
      f.addEventListener("submit", async (e) => {
        e.preventDefault();
        let next, old = {};
        try { next = JSON.parse(ta.value); } catch (x) { out.textContent = "not JSON: " + x.message; out.hidden = false; return; }
        try { old = JSON.parse(saved || "{}"); } catch (x) { old = {}; }
        // services config merges a patch (RFC 7396): a key taken out of
        // the entry is sent as null, which deletes it.
        const patch = (next && typeof next === "object" && !Array.isArray(next)) ? Object.assign({}, next) : next;
        if (patch && typeof patch === "object" && old && typeof old === "object") {
          for (const k of Object.keys(old)) if (!(k in patch)) patch[k] = null;
        }
        const a = await exec(["services", "config", f.dataset.service, JSON.stringify(patch)]);
        out.textContent = a.ok ? "" : answerText(a);
        out.hidden = a.ok;
        if (a.ok) { saved = ta.value; say(answerText(a)); }
      });
    }
  }

  const page = document.body.dataset.page;
  if (page === "overview" && $("#tasks")) overview();
  else if (page === "overview" && $("#task")) taskPage();
  else if (page === "log") logPage();
  else if (page === "services") servicesPage();
})();
