// The phone on screen: each step posts to /api/v1/simulator/send, which signs it like Twilio and
// sends it through the server's real webhooks; the answer is drawn as the patient would see or hear it.
"use strict";
(() => {
    const { t, counted, el, api } = TF;
    const $ = id => document.getElementById(id);
    let config = null;
    let state = fresh();
    let total = 0;

    function fresh() { return { session: null, step: 0, ussdAnswers: [], active: false }; }
    const channel = () => document.querySelector("input[name=channel]:checked").value;

    function bubble(kind, text, meta) {
        const item = el("li", { class: "bubble " + kind }, el("p", { text }));
        if (meta) item.append(el("small", { class: "meta", text: meta }));
        $("screen").append(item);
        item.scrollIntoView({ block: "end" });
        return item;
    }

    function note(text, kind = "note") { return bubble(kind, text); }


    function money(value) { return Number(value).toFixed(config && config.price_per_segment < 1 ? 3 : 2); }

    function showTotal() {
        $("total").textContent = channel() === "sms" && config ? t("sim.total", money(total), config.currency) : "";
    }

    async function send(body) {
        let answer;
        try {
            const response = await api("/api/v1/simulator/send", { method: "POST", json: Object.assign({ channel: channel(), from: $("from").value.trim() }, body) });
            answer = await response.json();
            if (!response.ok) {
                note(t("sim.error", response.status, answer.title || Object.values(answer.errors || {}).flat().join(" ")), "error");
                return null;
            }
        } catch (e) {
            if (e.message !== "401" && e.message !== "403") note(t("sim.failed", e.message), "error");
            return null;
        }
        if (answer.status !== 200) {
            note(t("sim.error", answer.status, answer.error || ""), "error");
            state.active = false;
            return null;
        }
        return answer;
    }

    // SMS and WhatsApp: what the patient types, and each message back with its SMS cost.
    async function sendMessage(text) {
        bubble("in", text);
        const answer = await send({ text });
        if (!answer) return;
        for (const m of answer.messages) {
            const meta = [t("sim.segments", counted("sim.n.segments", m.segments), m.encoding, counted("sim.n.units", m.units))];
            meta.push(m.cost !== undefined && m.cost !== null ? t("sim.cost", money(m.cost), answer.currency) : t("sim.wa_cost"));
            bubble("out", m.text, meta.join(" · "));
        }
        if (answer.total_cost !== undefined && answer.total_cost !== null) total += answer.total_cost;
        showTotal();
    }

    // USSD: the gateway sends every answer so far joined by '*'.
    async function sendUssd(answer) {
        if (answer !== null) { state.ussdAnswers.push(answer); bubble("in", answer); }
        const reply = await send({ text: state.ussdAnswers.join("*"), session_id: state.session });
        if (!reply) { setMode(); return; }
        state.session = reply.session_id;
        const screen = reply.messages[0];
        bubble("out ussd", screen.text, t("sim.ussd_len", screen.units));
        if (reply.ended) { note(t("sim.ended")); state = fresh(); }
        else state.active = true;
        setMode();
    }

    // Voice: a step is a keypress (or none); the answer is what is said, played, awaited.
    async function voiceStep(digits) {
        if (digits) bubble("in key", digits);
        const reply = await send({ session_id: state.session, step: state.step, digits: digits || undefined });
        if (!reply) { state = fresh(); setMode(); return; }
        state.session = reply.session_id;
        for (const s of reply.steps) {
            if (s.kind === "say") bubble("out voice", s.text, t("sim.say", s.language || ""));
            else if (s.kind === "play") {
                const item = bubble("out voice", t("sim.play"));
                item.append(el("audio", { controls: "", preload: "none", src: s.url }));
            }
            else if (s.kind === "gather") note(counted("sim.gather", s.num_digits || 1));
            else if (s.kind === "record") note(t("sim.record"));
            else if (s.kind === "hangup") note(t("sim.hungup"));
        }
        if (reply.ended || reply.next_step === undefined || reply.next_step === null) { state = fresh(); }
        else { state.step = reply.next_step; state.active = true; }
        setMode();
    }

    // Hanging up ends the call at the server too: the signed "completed" status callback Twilio would post.
    async function hangUp() {
        const session = state.session;
        state = fresh();
        setMode();
        if (session) await send({ session_id: session, hangup: true });
        note(t("sim.hungup"));
    }

    function setMode() {
        const c = channel();
        $("compose").hidden = c === "voice" || (c === "ussd" && !state.active);
        $("call").hidden = c !== "voice";
        $("ussd").hidden = c !== "ussd" || state.active;
        $("dial").hidden = state.active;
        $("nokey").hidden = !state.active;
        $("hangup").hidden = !state.active;
        $("keypad").querySelectorAll("button").forEach(b => { b.disabled = !state.active; });
        $("send").textContent = t(c === "ussd" ? "sim.reply" : "sim.send");
        $("peer").textContent = config ? (c === "ussd" ? config.ussd_service_code : config.hospital_number) : "";
        if (config) $("ussd-dial").textContent = t("sim.dial", config.ussd_service_code);
        // Say up front what this server cannot do, rather than after the first 403 or 503.
        const off = !config ? "" : c === "ussd" ? (config.ussd_enabled ? "" : t("sim.ussd_off")) : (config.signs_requests ? "" : t("sim.unsigned"));
        $("availability").textContent = off;
        $("availability").hidden = !off;
        showTotal();
    }

    function reset() {
        state = fresh();
        total = 0;
        $("screen").replaceChildren();
        setMode();
    }

    // Only the server's test numbers are offered (and accepted): the simulator never speaks for a real patient.
    function offerNumbers() {
        $("test-numbers").replaceChildren(...config.test_numbers.map(n => el("option", { value: n })));
        $("from-help").textContent = t("sim.test_numbers", config.test_prefixes.map(p => p + "…").join(", "));
        const from = $("from").value.trim();
        if (!config.test_prefixes.some(p => from.startsWith(p))) $("from").value = config.test_numbers[0];
    }

    async function loadConfig() {
        try {
            const response = await api("/api/v1/simulator");
            if (response.ok) { config = await response.json(); offerNumbers(); setMode(); }
        } catch { /* the sign-in box is shown */ }
    }

    function init() {
        TF.apply();
        TF.initToggle();
        TF.initLogin(loadConfig);
        TF.onLang(() => { if (config) offerNumbers(); setMode(); });
        for (const key of ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"]) {
            $("keypad").append(el("button", { type: "button", text: key, onclick: () => voiceStep(key) }));
        }
        document.querySelectorAll("input[name=channel]").forEach(r => r.addEventListener("change", reset));
        $("from").addEventListener("change", reset);
        $("reset").addEventListener("click", reset);
        $("compose").addEventListener("submit", ev => {
            ev.preventDefault();
            const text = $("text").value;
            if (!text.trim() && channel() !== "ussd") return;
            $("text").value = "";
            if (channel() === "ussd") sendUssd(text); else sendMessage(text);
        });
        $("dial").addEventListener("click", () => { note(t("sim.calling", config ? config.hospital_number : "")); voiceStep(null); });
        $("nokey").addEventListener("click", () => voiceStep(null));
        $("hangup").addEventListener("click", hangUp);
        $("ussd-dial").addEventListener("click", () => { bubble("in", config.ussd_service_code); sendUssd(null); });
        setMode();
        loadConfig();
    }

    init();
})();
