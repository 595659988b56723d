// The dashboard: one small GET /api/v1/dashboard, drawn as hand-written SVG and CSS bars.
"use strict";
(() => {
    const { t, label, el, api } = TF;
    const $ = id => document.getElementById(id);
    const SVG = "http://www.w3.org/2000/svg";
    let data = null;
    let etag = null;

    function svg(tag, attrs = {}, text) {
        const e = document.createElementNS(SVG, tag);
        for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
        if (text !== undefined) e.textContent = text;
        return e;
    }

    const stars = rating => "★".repeat(rating) + "☆".repeat(5 - rating);
    const when = iso => new Date(iso).toLocaleString(TF.lang() === "fr" ? "fr-FR" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
    const number = (value, digits = 0) => Number(value).toLocaleString(TF.lang() === "fr" ? "fr-FR" : "en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });

    // Every day of the period up to the hospital's today, empty days included.
    function days(groups, count) {
        const byKey = new Map(groups.map(g => [g.key, g]));
        const last = new Date(data.today + "T00:00:00Z");
        const out = [];
        for (let i = count - 1; i >= 0; i--) {
            const d = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate() - i));
            const key = d.toISOString().slice(0, 10);
            out.push(byKey.get(key) || { key, count: 0, average_rating: 0 });
        }
        return out;
    }

    // Bars for volume, a line for the average rating (right axis 1–5).
    function timeChart(groups) {
        const series = days(groups, data.days);
        // Drawn at the box's own width, so that labels keep their size on a phone.
        const w = Math.max(280, Math.min(1000, $("chart-days").clientWidth || 640)), h = 220, left = 30, right = 30, top = 10, bottom = 24;
        const max = Math.max(1, ...series.map(s => s.count));
        const step = (w - left - right) / series.length;
        const chart = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": t("dash.over_time") });
        const y = v => top + (h - top - bottom) * (1 - v / max);
        const yr = v => top + (h - top - bottom) * (1 - (v - 1) / 4);
        chart.append(svg("line", { x1: left, x2: w - right, y1: h - bottom, y2: h - bottom, stroke: "#c5ccd8" }));
        chart.append(svg("text", { x: left - 4, y: y(max) + 4, "text-anchor": "end", "font-size": 10, fill: "#5b6475" }, String(max)));
        chart.append(svg("text", { x: w - right + 4, y: yr(5) + 4, "font-size": 10, fill: "#e8a400" }, "5★"));
        chart.append(svg("text", { x: w - right + 4, y: yr(1) + 4, "font-size": 10, fill: "#e8a400" }, "1★"));
        const points = [];
        series.forEach((s, i) => {
            const x = left + i * step;
            if (s.count > 0) {
                const bar = svg("rect", { x: x + step * 0.15, y: y(s.count), width: Math.max(1, step * 0.7), height: h - bottom - y(s.count), fill: "#0b6bcb", rx: 1 });
                bar.append(svg("title", {}, `${s.key}: ${s.count} · ${number(s.average_rating, 2)}★`));
                chart.append(bar);
                points.push(`${x + step / 2},${yr(s.average_rating)}`);
            }
            const every = Math.ceil(series.length / Math.max(2, Math.floor(w / 90)));
            if (i === 0 || i === series.length - 1 || (i % every === 0 && series.length - 1 - i >= every / 2)) {
                chart.append(svg("text", { x: x + step / 2, y: h - 8, "text-anchor": "middle", "font-size": 10, fill: "#5b6475" }, s.key.slice(5)));
            }
        });
        if (points.length > 1) chart.append(svg("polyline", { points: points.join(" "), fill: "none", stroke: "#e8a400", "stroke-width": 2 }));
        points.forEach(p => { const [cx, cy] = p.split(","); chart.append(svg("circle", { cx, cy, r: 2.5, fill: "#e8a400" })); });
        const legend = el("p", { class: "legend" }, el("i", { style: "background:#0b6bcb" }), t("dash.volume"), el("i", { style: "background:#e8a400" }), t("dash.avg"));
        $("chart-days").replaceChildren(chart, legend);
    }

    function bars(id, groups, prefix) {
        const list = $(id);
        if (!groups.length) { list.replaceChildren(el("li", { class: "muted", text: t("dash.none") })); return; }
        const max = Math.max(...groups.map(g => g.count));
        list.replaceChildren(...[...groups].sort((a, b) => b.count - a.count).map(g => el("li", {},
            el("span", { text: label(prefix, g.key) }),
            el("span", { class: "track" }, el("span", { class: "fill", style: `width:${(100 * g.count / max).toFixed(1)}%` })),
            el("span", { class: "num", text: `${g.count} · ${number(g.average_rating, 1)}★` }))));
    }

    // Voice comments need the token: fetched as a blob, then played.
    async function play(button, id) {
        button.disabled = true;
        try {
            const response = await api(`/api/v1/feedback/${id}/voice`, { headers: { Accept: "audio/*" } });
            if (!response.ok) { button.textContent = String(response.status); return; }
            const audio = el("audio", { controls: "", src: URL.createObjectURL(await response.blob()) });
            button.replaceWith(audio);
            audio.play().catch(() => {});
        } catch { button.disabled = false; }
    }

    function comments() {
        const list = $("latest");
        if (!data.latest.length) { list.replaceChildren(el("li", { class: "muted", text: t("dash.none") })); }
        else list.replaceChildren(...data.latest.map(c => el("li", { "data-id": c.id },
            el("div", { class: "head" },
                el("span", { class: "stars", "aria-label": `${c.rating}/5`, text: stars(c.rating) }),
                el("span", { text: label("channel", c.channel) }),
                el("span", { text: label("language", c.language) }),
                c.sentiment ? el("span", { class: "badge " + c.sentiment, text: label("sentiment", c.sentiment) }) : null,
                c.escalated ? el("span", { class: "badge escalated", text: t("dash.escalated") }) : null,
                el("time", { datetime: c.date_submitted, text: when(c.date_submitted) })),
            c.comment ? el("p", { text: c.comment }) : null,
            c.has_voice ? el("button", { type: "button", text: "▶ " + t("dash.play"), onclick: ev => play(ev.currentTarget, c.id) }) : null)));

        const escalations = $("escalations");
        if (!data.escalations.length) { escalations.replaceChildren(el("li", { class: "muted", text: t("dash.none") })); }
        else escalations.replaceChildren(...data.escalations.map(e => el("li", {},
            el("div", { class: "head" },
                el("span", { class: "stars", text: stars(e.rating) }),
                el("span", { text: label("channel", e.channel) }),
                el("time", { datetime: e.escalated_at, text: when(e.escalated_at) }),
                el("span", { text: "#" + e.id })),
            e.topics.length ? el("p", { text: e.topics.map(x => label("topic", x)).join(", ") }) : null)));
    }

    function draw() {
        if (!data) return;
        $("kpi-count").textContent = number(data.count);
        $("kpi-average").replaceChildren(data.count ? number(data.average_rating, 2) : "–", el("small", { text: " / 5" }));
        $("kpi-escalations").textContent = number(data.escalation_count);
        const r = data.reminders_today;
        // Each count with its word in the singular or the plural ("0 prévu", "2 envoyés").
        const said = state => `${number(r[state])} ${t(TF_PLURAL(TF.lang(), "dash." + state, r[state]))}`;
        $("kpi-reminders").replaceChildren(
            el("span", { "data-state": "due", text: said("due") }), el("span", { "data-state": "sent", text: said("sent") }),
            el("span", { "data-state": "failed", class: r.failed ? "failed" : "", text: said("failed") }), el("span", { "data-state": "waiting", class: "muted", text: said("waiting") }));
        timeChart(data.by_day);
        bars("chart-language", data.by_language, "language");
        bars("chart-channel", data.by_channel, "channel");
        bars("chart-topic", data.by_topic, "topic");
        comments();
        $("updated").textContent = t("dash.updated", when(data.generated_at));
    }

    // The inbox link's badge: how many items wait for a person.
    async function inboxCount() {
        const response = await api("/api/v1/inbox/counts");
        if (!response.ok) return;
        $("inbox-count").textContent = String((await response.json()).total);
        $("inbox-count").hidden = false;
    }

    async function load() {
        inboxCount().catch(() => {});
        $("updated").textContent = t("dash.loading");
        try {
            const headers = etag ? { "If-None-Match": etag } : {};
            const response = await api(`/api/v1/dashboard?days=${$("days").value}`, { headers });
            if (response.status === 304) { draw(); return; }
            if (!response.ok) { $("updated").textContent = String(response.status); return; }
            etag = response.headers.get("ETag");
            data = await response.json();
            draw();
        } catch { $("updated").textContent = ""; }
    }

    function labelDays() {
        [...$("days").options].forEach(o => { o.textContent = t("dash.days", o.value); });
    }

    TF.apply();
    TF.initToggle();
    TF.initLogin(load);
    TF.onLang(() => { labelDays(); draw(); });
    labelDays();
    $("days").addEventListener("change", () => { etag = null; load(); });
    $("refresh").addEventListener("click", load);
    let resizing = null;
    window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(() => { if (data) timeChart(data.by_day); }, 150); });

    // ── Call me back (issue 17): GET /api/v1/dashboard/callbacks, the period's call-backs by state and the latest ten. ──
    const callBackStates = ["scheduled", "deferred", "placed", "retried", "completed", "failed", "skipped"];
    let callBacks = null;
    // The word for a state (or "call") said of `count` of them: the singular "cb.one.<code>" when the page's language puts that
    // number in the singular (Intl.PluralRules: English 1; French 0 and 1), else the plural "cb.<code>".
    function counted(code, count) {
        const one = `cb.one.${code}`;
        return TF_ONE(TF.lang(), count) && window.TF_TEXTS.en[one] ? t(one) : label("cb", code);
    }

    function drawCallBacks() {
        if (!callBacks) return;
        const c = callBacks.counts;
        $("callbacks").hidden = !callBacks.enabled && !callBackStates.some(s => c[s]);
        $("callback-counts").replaceChildren(...callBackStates.filter(s => s !== "skipped" || c[s]).map(s =>
            el("span", { class: s === "failed" && c[s] ? "failed" : "", "data-state": s, text: `${number(c[s])} ${counted(s, c[s])}` })));
        const list = $("callback-latest");
        if (!callBacks.latest.length) { list.replaceChildren(el("li", { class: "muted", text: t("dash.none") })); return; }
        list.replaceChildren(...callBacks.latest.map(b => el("li", { "data-id": b.id },
            el("div", { class: "head" },
                el("span", { class: "phone-number", text: b.phone }),
                el("span", { class: "badge" + (b.status === "failed" ? " negative" : b.status === "completed" ? " positive" : ""), text: counted(b.status, 1) }),
                el("span", { text: label("cb", b.trigger) }),
                el("span", { text: `${number(b.calls)} ${counted("call", b.calls)}` }),
                el("time", { datetime: b.placed_at || b.due_at, text: when(b.placed_at || b.due_at) })))));
    }

    async function loadCallBacks() {
        try {
            const response = await api(`/api/v1/dashboard/callbacks?days=${$("days").value}`);
            if (!response.ok) return;
            callBacks = await response.json();
            drawCallBacks();
        } catch { /* the rest of the dashboard stands without it */ }
    }

    TF.onLang(drawCallBacks);
    $("days").addEventListener("change", loadCallBacks);
    $("refresh").addEventListener("click", loadCallBacks);
    setInterval(() => { if (!document.hidden) loadCallBacks(); }, 60000);
    loadCallBacks();
    // ── end of the call-backs block ──

    // ── Admin: Twilio's number and the webhooks seen (issue 19). Admin-only answers; hidden for others. ──
    Object.assign(TF_TEXTS.en, {
        "twilio.title": "Twilio: the number and its webhooks", "twilio.channel": "Channel", "twilio.last_seen": "Last seen",
        "twilio.signature": "Signature", "twilio.valid": "valid", "twilio.invalid": "INVALID", "twilio.never": "never",
        "twilio.warning": "Requests with a bad signature arrived ({0}). Usually PUBLIC_BASE_URL differs from the URL Twilio calls: compare with Twilio below.",
        "twilio.setting": "Setting", "twilio.now": "Now", "twilio.should": "Should be", "twilio.check": "Compare with Twilio", "twilio.apply": "Apply",
        "twilio.in_sync": "Everything is set as it should be.", "twilio.differs": "Some settings differ: Apply sets them.", "twilio.applied": "Set at Twilio."
    });
    Object.assign(TF_TEXTS.fr, {
        "twilio.title": "Twilio : le numéro et ses webhooks", "twilio.channel": "Canal", "twilio.last_seen": "Vu pour la dernière fois",
        "twilio.signature": "Signature", "twilio.valid": "valide", "twilio.invalid": "INVALIDE", "twilio.never": "jamais",
        "twilio.warning": "Des requêtes à la signature invalide sont arrivées ({0}). En général PUBLIC_BASE_URL diffère de l'URL que Twilio appelle : comparez avec Twilio ci-dessous.",
        "twilio.setting": "Réglage", "twilio.now": "Actuel", "twilio.should": "Attendu", "twilio.check": "Comparer avec Twilio", "twilio.apply": "Appliquer",
        "twilio.in_sync": "Tout est réglé comme il faut.", "twilio.differs": "Des réglages diffèrent : Appliquer les règle.", "twilio.applied": "Réglé chez Twilio."
    });
    // Direct fetches on the session cookie: a staff member's 403 here only hides the block (TF.api would leave the page).
    const adminFetch = async (path, method = "GET") => fetch(path, {
        method, credentials: "same-origin",
        headers: Object.assign({ "Accept": "application/json" }, method === "GET" ? {} : { "X-CSRF-TOKEN": await TF.csrf() }),
    });

    async function loadSightings() {
        const response = await adminFetch("/api/v1/admin/webhooks");
        if (!response.ok) { $("twilio-admin").hidden = true; return; }
        const report = await response.json();
        $("twilio-admin").hidden = false;
        TF.apply($("twilio-admin"));
        $("twilio-sightings").replaceChildren(...report.channels.map(c => el("tr", {},
            el("td", { text: label("channel", c.channel) }),
            el("td", { text: c.last_seen_at ? when(c.last_seen_at) : t("twilio.never") }),
            el("td", { class: c.last_signature_valid === false ? "failed" : "", text: c.last_signature_valid === undefined ? "–" : t(c.last_signature_valid ? "twilio.valid" : "twilio.invalid") }))));
        const bad = report.channels.filter(c => c.bad_signature_recently).map(c => label("channel", c.channel));
        $("twilio-warning").hidden = !report.bad_signature_warning;
        $("twilio-warning").textContent = report.bad_signature_warning ? t("twilio.warning", bad.join(", ")) : "";
    }

    async function twilioNumber(method) {
        const response = await adminFetch("/api/v1/admin/twilio-number", method);
        const body = await response.json().catch(() => ({}));
        if (!response.ok) { $("twilio-number-message").textContent = body.detail || body.title || String(response.status); return; }
        $("twilio-number-message").textContent = body.message || (body.outcome in { in_sync: 1, differs: 1, applied: 1 } ? t("twilio." + body.outcome) : body.outcome);
        $("twilio-settings").replaceChildren(...(body.settings || []).map(s => el("tr", {},
            el("td", { text: (s.resource === "messaging_service" ? "Messaging Service · " : "") + s.name }),
            el("td", { text: s.current || "–" }), el("td", { class: s.matches ? "" : "failed", text: s.expected }))));
        $("twilio-apply").hidden = body.outcome !== "differs";
    }

    $("twilio-check").addEventListener("click", () => twilioNumber("GET"));
    $("twilio-apply").addEventListener("click", () => twilioNumber("POST"));
    TF.onLang(() => { if (!$("twilio-admin").hidden) loadSightings(); });
    // Only an admin's page asks for the admin block (a staff member's 403 would only be noise).
    fetch("/account/me", { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(r => r.ok ? r.json() : { roles: [] })
        .then(me => { if ((me.roles || []).includes("admin")) return loadSightings(); })
        .catch(() => {});
    // ── end of the Twilio block ──
    load();
    setInterval(() => { if (!document.hidden) load(); }, 60000);
})();
