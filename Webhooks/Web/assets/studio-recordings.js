// The studio's recording page: every voice prompt of a language with its English and French text and
// its status; record in the page (getUserMedia + an AudioWorklet, encoded here as mono 16-bit PCM WAV,
// what Twilio's <Play> takes), listen back, record again, submit; or upload a WAV/MP3; approve someone
// else's draft after listening to it. The server checks, trims and levels every take.
"use strict";
(() => {
    const { t, el, api } = TF;
    const $ = id => document.getElementById(id);
    const base = () => "/api/v1/studio/recordings/" + $("language").value;
    const seconds = ms => (ms / 1000).toLocaleString(TF.lang() === "fr" ? "fr-FR" : "en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const when = iso => new Date(iso).toLocaleString(TF.lang() === "fr" ? "fr-FR" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
    let items = [];
    let recording = null; // the one take being recorded: { key, stop }

    // 16-bit PCM WAV, mono, at the AudioContext's rate.
    function wav(samples, rate) {
        const view = new DataView(new ArrayBuffer(44 + samples.length * 2));
        const text = (offset, s) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
        text(0, "RIFF"); view.setUint32(4, 36 + samples.length * 2, true); text(8, "WAVE");
        text(12, "fmt "); view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
        view.setUint32(24, rate, true); view.setUint32(28, rate * 2, true); view.setUint16(32, 2, true); view.setUint16(34, 16, true);
        text(36, "data"); view.setUint32(40, samples.length * 2, true);
        samples.forEach((s, i) => view.setInt16(44 + i * 2, Math.max(-1, Math.min(1, s)) * 0x7fff, true));
        return new Blob([view.buffer], { type: "audio/wav" });
    }

    // Starts the microphone; onTick(seconds) while recording; resolves stop() with the WAV.
    async function record(onTick) {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
        const context = new AudioContext();
        await context.audioWorklet.addModule("/web/recorder-worklet.js");
        const source = context.createMediaStreamSource(stream);
        const node = new AudioWorkletNode(context, "recorder");
        const blocks = [];
        let count = 0;
        let done = null;
        node.port.onmessage = event => {
            if (event.data === "done") { done(); return; }
            blocks.push(event.data);
            count += event.data.length;
            onTick(count / context.sampleRate);
        };
        source.connect(node);
        node.connect(context.destination); // the node only runs when pulled; it outputs silence
        return {
            async stop() {
                const flushed = new Promise(resolve => { done = resolve; });
                node.port.postMessage("flush");
                await flushed;
                stream.getTracks().forEach(track => track.stop());
                await context.close();
                const samples = new Float32Array(count);
                let offset = 0;
                for (const block of blocks) { samples.set(block, offset); offset += block.length; }
                return wav(samples, context.sampleRate);
            },
        };
    }

    async function problemOf(response) {
        try {
            const problem = await response.json();
            const number = n => Number(n).toLocaleString(TF.lang() === "fr" ? "fr-FR" : "en-GB", { maximumFractionDigits: 1 });
            const english = problem.detail || problem.title || String(response.status);
            return problem.code ? TF.local("rec.refused." + problem.code, english, ...(problem.args || []).map(number)) : english;
        } catch {
            return t("rec.failed", response.status);
        }
    }

    // Approving one's own take is a 403 with a reason to show, not the No-access page common.js goes to.
    async function approve(key, draftId) {
        const token = (await (await fetch("/account/csrf", { credentials: "same-origin" })).json()).token;
        return fetch(`${base()}/${key}/approve`, {
            method: "POST", credentials: "same-origin",
            headers: { "Accept": "application/json", "Content-Type": "application/json", "X-CSRF-TOKEN": token },
            body: JSON.stringify({ draft_id: draftId }),
        });
    }

    function status(item) {
        if (item.draft) return el("p", { class: "status warning", text: t("rec.status.draft", item.draft.author || "?", when(item.draft.recorded_at), seconds(item.draft.duration_ms)) });
        if (item.approved) return el("p", { class: "status good", text: t("rec.status.approved", item.approved.author || "?", item.approved.reviewer || "?", when(item.approved.approved_at), seconds(item.approved.duration_ms)) });
        return el("p", { class: "status muted", text: t("rec.status.missing") });
    }

    function card(item) {
        const message = el("p", { class: "message", role: "status", "aria-live": "polite" });
        const say = (text, bad) => { message.textContent = text; message.className = "message" + (bad ? " warning" : ""); };
        const takeAudio = el("audio", { controls: "", preload: "auto", "aria-label": t("rec.your_take") });
        let take = null;
        const elapsed = el("span", { class: "elapsed muted", "aria-live": "off" });
        const recordButton = el("button", { type: "button", class: "record", text: t("rec.record") });
        const listen = el("button", { type: "button", class: "listen", text: t("rec.listen"), onclick: () => takeAudio.play() });
        const submit = el("button", { type: "button", class: "green submit", text: t("rec.submit") });
        const again = el("button", { type: "button", class: "again", text: t("rec.again") });
        const takeBox = el("div", { class: "take", hidden: "" }, el("p", { class: "label", text: t("rec.your_take") }), takeAudio, el("div", { class: "actions" }, listen, submit, again));
        const file = el("input", { type: "file", accept: ".wav,.mp3,audio/wav,audio/x-wav,audio/mpeg" });

        function useTake(blob) {
            take = blob;
            if (takeAudio.src) URL.revokeObjectURL(takeAudio.src);
            takeAudio.src = URL.createObjectURL(blob);
            takeBox.hidden = false;
        }

        async function toggle() {
            if (recording && recording.key !== item.key) { say(t("rec.busy"), true); return; }
            if (recording) {
                recordButton.disabled = true;
                const blob = await recording.stop();
                recording = null;
                recordButton.disabled = false;
                recordButton.textContent = t("rec.record");
                recordButton.classList.remove("red");
                useTake(blob);
                say(t("rec.recorded"));
                return;
            }
            try {
                elapsed.dataset.seconds = "0";
                const session = await record(s => { elapsed.dataset.seconds = s.toFixed(2); elapsed.textContent = t("rec.elapsed", seconds(s * 1000)); });
                recording = { key: item.key, stop: session.stop };
                recordButton.textContent = t("rec.stop");
                recordButton.classList.add("red");
                takeBox.hidden = true;
                say(t("rec.recording"));
            } catch (error) {
                say(t("rec.nomic", error.message || error.name), true);
            }
        }

        recordButton.addEventListener("click", toggle);
        again.addEventListener("click", toggle);
        file.addEventListener("change", () => { if (file.files[0]) { useTake(file.files[0]); say(t("rec.file_ready")); } });
        submit.addEventListener("click", async () => {
            if (!take) return;
            submit.disabled = true;
            say(t("rec.checking"));
            try {
                const response = await api(`${base()}/${item.key}`, { method: "PUT", headers: { "Content-Type": take.type === "audio/mpeg" ? "audio/mpeg" : "audio/wav" }, body: take });
                if (!response.ok) { say(await problemOf(response), true); return; }
                takeBox.hidden = true;
                take = null;
                await load(t("rec.submitted"), item.key);
            } finally {
                submit.disabled = false;
            }
        });

        const li = el("li", { class: "card prompt", "data-key": item.key },
            el("h2", { text: item.key }),
            el("p", { class: "muted purpose", text: TF.local("rec.purpose." + item.key, item.purpose) }),
            el("dl", { class: "sources" }, el("dt", { text: "English" }), el("dd", { lang: "en", text: item.english }), el("dt", { text: "Français" }), el("dd", { lang: "fr", text: item.french })));
        // A reminder template with values (a date, a department): a take cannot say them, so none is offered.
        if (item.kind === "reminder" && item.values && item.values.length) {
            li.append(el("p", { class: "status muted values", text: t("rec.carries_values", item.values.join(", ")) }));
            return li;
        }
        li.append(status(item));
        // What Twilio would say: only English and French have speech synthesis; the other languages need a recording.
        li.append(item.say
            ? el("div", { class: "speech" }, el("p", { class: "label", text: t(item.approved ? "rec.say_unused" : "rec.say") }), el("pre", {}, el("code", { text: item.say })))
            : el("p", { class: "speech muted", text: t(item.kind === "reminder" ? "rec.reminder_fallback" : "rec.no_tts") }));
        if (item.approved) {
            li.append(el("div", { class: "heard" }, el("p", { class: "label", text: t("rec.callers_hear") }),
                el("audio", { controls: "", preload: "none", class: "approved", src: `${base()}/${item.key}/approved?at=${encodeURIComponent(item.approved.approved_at)}` })));
        }
        if (item.draft) {
            const approveButton = el("button", { type: "button", class: "green approve", text: t("rec.approve") });
            approveButton.addEventListener("click", async () => {
                approveButton.disabled = true;
                const response = await approve(item.key, item.draft.id);
                approveButton.disabled = false;
                if (response.status === 401) { location.href = "/account/signin?returnUrl=" + encodeURIComponent(location.pathname); return; }
                if (!response.ok) { say(await problemOf(response), true); return; }
                await load(t("rec.approved"), item.key);
            });
            li.append(el("div", { class: "review" }, el("p", { class: "label", text: t("rec.to_review") }),
                el("audio", { controls: "", preload: "none", class: "draft", src: `${base()}/${item.key}/draft?id=${item.draft.id}` }),
                el("div", { class: "actions" }, approveButton)));
        }
        li.append(el("div", { class: "actions recorder" }, recordButton, elapsed, el("label", { class: "upload" }, el("span", { text: t("rec.upload") }), file)), takeBox, message);
        return li;
    }

    // Draws the language's prompts; a message left on the card of `key` after the redraw.
    async function load(message, key) {
        $("page-message").hidden = true;
        let response;
        try {
            response = await api(base());
        } catch {
            return; // on its way to the sign-in or No-access page
        }
        if (!response.ok) { $("page-message").textContent = await problemOf(response); $("page-message").hidden = false; return; }
        items = await response.json();
        const list = $("prompts");
        // The call's prompts (all needed to go live on calls), then the reminder templates under their own heading.
        const prompts = items.filter(i => i.kind !== "reminder"), reminders = items.filter(i => i.kind === "reminder");
        list.replaceChildren(...prompts.map(card));
        if (reminders.length) {
            list.append(el("li", { class: "section" }, el("h2", { id: "reminders-heading", text: t("rec.reminders") }), el("p", { class: "muted", text: t("rec.reminders_help") })), ...reminders.map(card));
        }
        const approved = prompts.filter(i => i.approved).length;
        $("summary").textContent = t("rec.summary", approved, prompts.length, items.filter(i => i.draft).length);
        if (message && key) {
            const target = list.querySelector(`[data-key="${key}"] .message`);
            if (target) target.textContent = message;
        }
    }

    document.addEventListener("DOMContentLoaded", () => {
        TF.apply();
        TF.initToggle();
        TF.initLogin();
        const wanted = new URLSearchParams(location.search).get("lang");
        if (wanted && [...$("language").options].some(o => o.value === wanted)) $("language").value = wanted;
        $("language").addEventListener("change", () => { if (!recording) load(); });
        TF.onLang(() => { if (!recording) load(); });
        load();
    });
})();
