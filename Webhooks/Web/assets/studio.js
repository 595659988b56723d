// The language studio: coverage, every text of a language beside its English and French source,
// an editor with live checks (placeholders, SMS segments, USSD length), review, spreadsheets, and
// for admins the live switches and preview numbers. Talks to /api/v1/studio (README "Studio").
"use strict";

// SMS cost as Resources/SmsSegments.cs counts it (a test keeps both in agreement): GSM 03.38 with
// 160 septets, 153 a part, extension characters counting twice; else UCS-2, 70 UTF-16 units, 67 a part.
window.TF_SMS = (() => {
    const basic = new Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà");
    const extension = new Set("^{}\\[~]|€\f");
    function cost(text) {
        let septets = 0;
        for (let i = 0; i < text.length; i++) {
            const c = text[i];
            if (basic.has(c)) septets++;
            else if (extension.has(c)) septets += 2;
            else {
                const units = text.length;
                return { encoding: "UCS-2", units, segments: units <= 70 ? 1 : Math.floor((units + 66) / 67) };
            }
        }
        return { encoding: "GSM-7", units: septets, segments: septets <= 160 ? 1 : Math.floor((septets + 152) / 153) };
    }
    return { cost };
})();

(() => {
    const { t, counted, label, el, api } = TF;
    const $ = id => document.getElementById(id);
    const base = "/api/v1/studio";
    // The General Alphabet of Cameroon Languages: letters, then combining tone marks.
    const letters = ["ɓ", "ɗ", "ɛ", "ɔ", "ŋ", "ə", "Ɓ", "Ɗ", "Ɛ", "Ɔ", "Ŋ", "Ə"];
    const tones = [["acute", "\u0301"], ["grave", "\u0300"], ["circumflex", "\u0302"], ["caron", "\u030C"], ["macron", "\u0304"]];
    const placeholderPattern = /\{(?:\d+(?:[:,][^}]*)?|[a-z_]+)\}/g;

    let languages = [];
    let items = [];
    let current = null;
    let isAdmin = false;
    let lang = localStorage.getItem("tf_studio_lang") || "dua";

    const purpose = item => TF.local("studio.purpose." + item.key, item.purpose || "");
    const when = iso => iso ? new Date(iso).toLocaleString(TF.lang() === "fr" ? "fr-FR" : "en-GB", { dateStyle: "medium", timeStyle: "short" }) : "";
    const percent = (n, of) => of ? Math.round(100 * n / of) + " %" : "–";
    const languageName = code => (languages.find(l => l.code === code) || {}).name || label("language", code);

    // Writes answer 400, 403 and 409 with something to show, so they do not go through TF.api's 403 page.
    let csrf = null;
    async function send(path, method, json, body) {
        if (!csrf) csrf = (await (await fetch("/account/csrf", { credentials: "same-origin" })).json()).token;
        const headers = { "Accept": "application/json", "X-CSRF-TOKEN": csrf };
        if (json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(json); }
        const response = await fetch(path, { method, headers, body, credentials: "same-origin" });
        if (response.status === 401) { location.href = "/account/signin?returnUrl=" + encodeURIComponent(location.pathname); throw new Error("401"); }
        return response;
    }

    // A ProblemDetails as one readable line: its detail, then each field's errors and any list of keys.
    async function problem(response) {
        let p = {};
        try { p = await response.json(); } catch { /* not JSON: the status says enough */ }
        const parts = [p.detail || p.title || t("studio.failed", response.status)];
        if (p.errors) Object.values(p.errors).flat().forEach(e => parts.push(e));
        return parts.join(" · ");
    }

    // A read that fails says so on the page (the sign-in page and "No access" are TF.api's).
    async function get(path) {
        const response = await api(path);
        if (!response.ok) {
            const message = await problem(response);
            setMessage("studio-message", message, "failed");
            throw new Error(message);
        }
        setMessage("studio-message", "");
        return response.json();
    }

    function setMessage(id, text, kind) {
        const e = $(id);
        e.textContent = text || "";
        e.className = kind || "";
    }

    // Coverage per channel, with the live switch for admins. Each count also carries its heading, shown on a phone,
    // where a channel is a block rather than a table row.
    function renderCoverage() {
        const language = languages.find(l => l.code === lang);
        const count = (heading, text) => el("td", {}, el("span", { class: "cell-label", "aria-hidden": "true", text: t(heading) }), text);
        const rows = (language ? language.channels : []).map(c => el("tr", {},
            el("td", { text: label("channel", c.channel) }),
            count("studio.written", percent(c.written, c.items)),
            count("studio.approved_pct", percent(c.approved, c.items)),
            count("studio.recordings_missing", c.channel === "voice" ? String(c.recordings_missing) : "–"),
            el("td", {}, el("span", { class: "badge " + (c.live ? "positive" : ""), text: t(c.live ? "studio.is_live" : "studio.not_live") }),
                isAdmin ? el("button", { type: "button", class: "link", "data-channel": c.channel, onclick: () => setLive(c.channel, !c.live),
                    text: t(c.live ? "studio.take_offline" : "studio.set_live", label("channel", c.channel)) }) : null)));
        $("coverage").replaceChildren(...rows);
    }

    async function setLive(channel, live) {
        setMessage("live-message", "");
        const response = await send(`${base}/live/${lang}/${channel}`, "PUT", { live });
        if (!response.ok) { setMessage("live-message", t("studio.live_refused", label("channel", channel)) + " " + await problem(response), "failed"); return; }
        setMessage("live-message", t(live ? "studio.now_live" : "studio.now_offline", languageName(lang), label("channel", channel)), "good");
        await loadLanguages();
    }

    function statusOf(item) {
        if (item.draft) return { kind: "draft", text: t("studio.status_draft", item.draft.author, when(item.draft.written_at)) };
        if (item.approved) return { kind: "approved", text: t("studio.status_approved", item.approved.reviewer, when(item.approved.approved_at), item.approved.author) };
        return { kind: "missing", text: t("studio.status_missing") };
    }

    function renderKeys() {
        const filter = $("filter").value.trim().toLowerCase();
        const shown = items.filter(i => !filter || (i.key + " " + purpose(i) + " " + (i.english || "")).toLowerCase().includes(filter));
        $("keys").replaceChildren(...shown.map(i => {
            const status = statusOf(i);
            return el("li", {}, el("button", { type: "button", class: "key" + (current && current.key === i.key ? " current" : ""), "data-key": i.key, onclick: () => open(i.key) },
                el("span", { class: "key-name", text: i.key }),
                el("span", { class: "badge " + status.kind, text: t("studio.badge_" + status.kind) }),
                el("span", { class: "key-purpose muted", text: purpose(i) })));
        }));
    }

    function open(key) {
        current = items.find(i => i.key === key);
        if (!current) return;
        $("editor").hidden = false;
        $("editor-key").textContent = current.key;
        $("editor-purpose").textContent = purpose(current);
        $("editor-meta").textContent = [
            t("studio.channels", current.channels.map(c => label("channel", c)).join(", ")),
            current.placeholders.length ? t("studio.placeholders", current.placeholders.join(" ")) : t("studio.no_placeholders"),
        ].join(" · ");
        $("source-en").textContent = current.english || "";
        $("source-fr").textContent = current.french || "";
        $("text").value = current.draft ? current.draft.text : current.approved ? current.approved.text : "";
        $("text").lang = lang;
        $("history").hidden = true;
        setMessage("editor-message", "");
        renderStatus();
        check();
        renderKeys();
    }

    function renderStatus() {
        const status = statusOf(current);
        const parts = [el("span", { class: "badge " + status.kind, text: t("studio.badge_" + status.kind) }), " ", status.text];
        if (current.draft && current.approved) parts.push(el("br"), t("studio.still_serving", current.approved.text));
        if (current.draft && current.draft.source) parts.push(el("br"), t("studio.source", current.draft.source));
        $("editor-status").replaceChildren(...parts);
        $("approve").hidden = !current.draft;
        $("text-label").textContent = t("studio.text_in", languageName(lang));
    }

    // The text as the server checks it: at its longest as a patient gets it (a language menu with every language listed,
    // limits.sample from GET /api/v1/studio/texts), so the page refuses what the server would.
    const sampled = text => Object.entries(current.limits.sample || {}).reduce((whole, [placeholder, value]) => whole.split(placeholder).join(value), text);

    // The checks the server makes on saving, while typing; a refusal disables saving.
    function check() {
        if (!current) return;
        const text = $("text").value;
        const whole = sampled(text.trim());
        const results = [];
        const expected = new Set(current.placeholders);
        const found = new Set(text.match(placeholderPattern) || []);
        const missing = [...expected].filter(p => !found.has(p));
        const extra = [...found].filter(p => !expected.has(p));
        if (missing.length || extra.length) {
            const why = [];
            if (missing.length) why.push(t("studio.ph_missing", missing.join(" ")));
            if (extra.length) why.push(t("studio.ph_extra", extra.join(" ")));
            results.push({ kind: "bad", name: "placeholders", text: t("studio.ph_refused") + " " + why.join("; ") });
        } else {
            results.push({ kind: "ok", name: "placeholders", text: expected.size ? t("studio.ph_ok", [...expected].join(" ")) : t("studio.ph_none") });
        }
        if (current.limits.sms_segments) {
            const cost = TF_SMS.cost(whole);
            const line = t("studio.sms", counted("sim.n.segments", cost.segments), cost.encoding, counted("sim.n.units", cost.units));
            results.push(cost.segments > current.limits.sms_segments_max
                ? { kind: "bad", name: "sms", text: line + " — " + t("studio.sms_over", current.limits.sms_segments_max) }
                : cost.segments >= 2
                ? { kind: "warn", name: "sms", text: line + " — " + t("studio.sms_warn", cost.segments) }
                : { kind: "ok", name: "sms", text: line });
        }
        if (current.limits.ussd_chars) {
            const max = current.limits.ussd_chars;
            results.push({ kind: whole.length > max ? "bad" : "ok", name: "ussd", text: t(whole.length > max ? "studio.ussd_over" : "studio.ussd", whole.length, max) });
        }
        if (!text.trim()) results.push({ kind: "bad", name: "empty", text: t("studio.empty") });
        $("checks").replaceChildren(...results.map(r => el("li", { class: "check " + r.kind, "data-check": r.name }, el("span", { class: "mark", "aria-hidden": "true", text: r.kind === "ok" ? "✓" : r.kind === "warn" ? "!" : "✗" }), " ", r.text)));
        $("save").disabled = results.some(r => r.kind === "bad");
        renderPreview(sampled(text));
    }

    function renderPreview(text) {
        const parts = [];
        if (current.limits.sms_segments) {
            parts.push(el("div", { class: "preview-phone" }, el("p", { class: "muted", text: t("studio.preview_sms") }),
                el("div", { class: "bubble out", lang }, el("p", { text: text }))));
        }
        if (current.limits.ussd_chars) {
            parts.push(el("div", { class: "preview-phone" }, el("p", { class: "muted", text: t("studio.preview_ussd") }),
                el("pre", { class: "ussd-screen", lang, text: text })));
        }
        const words = !current.limits.sms_segments && !current.limits.ussd_chars && current.channels.length > 1;
        if (words) parts.push(el("p", { class: "muted", text: t("studio.preview_words") }));
        else if (current.channels.includes("voice")) {
            parts.push(el("p", { class: "muted" }, t(lang === "en" || lang === "fr" ? "studio.preview_voice_tts" : "studio.preview_voice_recorded"), " ",
                el("a", { href: "/studio/recordings", text: t("studio.recordings") })));
        }
        $("preview").replaceChildren(...parts);
    }

    function insert(text) {
        const area = $("text");
        area.setRangeText(text, area.selectionStart, area.selectionEnd, "end");
        area.focus();
        check();
    }

    async function save() {
        setMessage("editor-message", "");
        const response = await send(`${base}/texts/${lang}/${encodeURIComponent(current.key)}`, "PUT", { text: $("text").value });
        if (!response.ok) { setMessage("editor-message", t("studio.save_refused") + " " + await problem(response), "failed"); return; }
        await reload(current.key);
        setMessage("editor-message", t("studio.saved"), "good");
    }

    async function approve() {
        setMessage("editor-message", "");
        const response = await send(`${base}/texts/${lang}/${encodeURIComponent(current.key)}/approve`, "POST", { draft_id: current.draft.id });
        if (response.status === 403) { setMessage("editor-message", t("studio.own_draft"), "failed"); return; }
        if (response.status === 409) { await reload(current.key); setMessage("editor-message", t("studio.draft_changed"), "failed"); return; }
        if (!response.ok) { setMessage("editor-message", await problem(response), "failed"); return; }
        await reload(current.key);
        setMessage("editor-message", t("studio.approved_now"), "good");
    }

    async function history() {
        const list = $("history");
        if (!list.hidden) { list.hidden = true; return; }
        const entries = await get(`${base}/texts/${lang}/${encodeURIComponent(current.key)}/history`);
        list.replaceChildren(...(entries.length ? entries.map(h => el("li", {},
            el("span", { class: "muted", text: t("studio.history_" + h.action, h.by, when(h.at)) }), el("br"), el("span", { lang, text: h.text })))
            : [el("li", { class: "muted", text: t("studio.history_none") })]));
        list.hidden = false;
    }

    async function importFile(event) {
        event.preventDefault();
        const file = $("import-file").files[0];
        if (!file) { $("import-report").replaceChildren(el("p", { class: "failed", text: t("studio.import_choose") })); return; }
        const form = new FormData();
        form.append("file", file, file.name);
        const response = await send(`${base}/import/${lang}`, "POST", undefined, form);
        if (!response.ok) { $("import-report").replaceChildren(el("p", { class: "failed", text: t("studio.import_refused") + " " + await problem(response) })); return; }
        const report = await response.json();
        $("import-report").replaceChildren(
            el("p", { class: "good", text: t("studio.import_report", report.imported, report.unchanged, report.refused.length) }),
            report.refused.length ? el("ul", { class: "refused" }, ...report.refused.map(r => el("li", { text: t("studio.import_row", r.row, r.key || "–", r.reason) }))) : null);
        await reload(current && current.key);
    }

    async function loadNumbers() {
        const response = await fetch(`${base}/preview-numbers`, { headers: { "Accept": "application/json" }, credentials: "same-origin" });
        isAdmin = response.ok;
        $("admin").hidden = !isAdmin;
        if (isAdmin) $("preview-numbers").value = (await response.json()).map(n => (n.phone + " " + (n.name || "")).trim()).join("\n");
    }

    async function saveNumbers() {
        const numbers = $("preview-numbers").value.split("\n").map(l => l.trim()).filter(Boolean).map(l => {
            const [phone, ...name] = l.split(/\s+/);
            return { phone, name: name.join(" ") };
        });
        const response = await send(`${base}/preview-numbers`, "PUT", numbers);
        setMessage("numbers-message", response.ok ? counted("studio.numbers_saved", numbers.length) : t("studio.numbers_refused") + " " + await problem(response), response.ok ? "good" : "failed");
    }

    async function loadLanguages() {
        languages = await get(`${base}/languages`);
        if (!languages.some(l => l.code === lang)) lang = (languages.find(l => l.code !== "en") || languages[0] || { code: "en" }).code;
        $("language").replaceChildren(...languages.map(l => el("option", { value: l.code, selected: l.code === lang ? "selected" : null, text: `${l.name} (${l.code})` })));
        renderCoverage();
    }

    // The list of the language picked last, with the text open when it arrives kept open (a person may have opened one
    // while it loaded); an answer for a language picked earlier is dropped.
    let reloads = 0;
    async function reload(key) {
        const mine = ++reloads;
        const fresh = await get(`${base}/texts/${lang}`);
        if (mine !== reloads) return;
        items = fresh;
        if (current) key = current.key;
        const still = key && items.some(i => i.key === key);
        if (still) open(key); else { current = null; $("editor").hidden = true; renderKeys(); }
        await loadLanguages();
    }

    // The spreadsheet's notes (purpose, status, limits) come in the page's language.
    function exportLinks() {
        $("export-xlsx").href = `${base}/export/${lang}.xlsx?ui=${TF.lang()}`;
        $("export-csv").href = `${base}/export/${lang}.csv?ui=${TF.lang()}`;
    }

    async function pick(code) {
        lang = code;
        localStorage.setItem("tf_studio_lang", lang);
        exportLinks();
        $("import-report").replaceChildren();
        setMessage("live-message", "");
        await reload(current && current.key);
    }

    function init() {
        TF.apply();
        TF.initToggle();
        TF.initLogin();
        $("letters").replaceChildren(
            ...letters.map(l => el("button", { type: "button", class: "letter", "aria-label": t("studio.insert", l), title: t("studio.insert", l), onclick: () => insert(l), text: l })),
            ...tones.map(([name, mark]) => el("button", { type: "button", class: "letter", "data-tone": name, "aria-label": t("studio.tone_" + name), title: t("studio.tone_" + name), onclick: () => insert(mark), text: "\u25CC" + mark })));
        $("text").addEventListener("input", check);
        $("filter").addEventListener("input", renderKeys);
        $("language").addEventListener("change", e => pick(e.target.value));
        $("save").addEventListener("click", save);
        $("approve").addEventListener("click", approve);
        $("history-button").addEventListener("click", history);
        $("import").addEventListener("submit", importFile);
        $("save-numbers").addEventListener("click", saveNumbers);
        TF.onLang(() => {
            $("letters").querySelectorAll("button").forEach(b => { const label = b.dataset.tone ? t("studio.tone_" + b.dataset.tone) : t("studio.insert", b.textContent); b.setAttribute("aria-label", label); b.title = label; });
            renderCoverage();
            exportLinks();
            if (current) open(current.key); else renderKeys();
        });
        // Failures are on the page already (studio-message) or left for the sign-in and "No access" pages.
        loadLanguages().then(loadNumbers).then(() => pick(lang)).catch(() => { });
    }

    init();
})();
