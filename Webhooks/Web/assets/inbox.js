// The inbox: feedback a person should read, most urgent first; transcribe, review, answer, mark handled.
"use strict";
(() => {
    const { t, label, el, api } = TF;
    const $ = id => document.getElementById(id);
    const queues = ["", "escalation", "voice", "language", "review"];
    let queue = "";
    let page = null;
    // Items of every page shown so far, and where the next page starts (null: no more).
    let items = [];
    let next = null;
    const pageSize = 50;

    const stars = rating => "★".repeat(rating) + "☆".repeat(5 - rating);
    const when = iso => new Date(iso).toLocaleString(TF.lang() === "fr" ? "fr-FR" : "en-GB", { dateStyle: "medium", timeStyle: "short" });

    // What the server said, readable: ProblemDetails' first error, its title, or the status.
    async function problem(response) {
        const body = await response.json().catch(() => ({}));
        const first = body.errors ? Object.values(body.errors)[0] : null;
        return (first && first[0]) || body.title || String(response.status);
    }

    async function act(item, path, method, json, done) {
        const message = item.querySelector(".message");
        message.className = "message muted";
        message.textContent = t("inbox.saving");
        try {
            const response = await api(path, { method, json });
            if (!response.ok) { message.className = "message failed"; message.textContent = await problem(response); return; }
            await load(item.dataset.id);
            // The list was drawn again: the message goes on the item's new card, or on the page when it has left the list.
            const again = document.querySelector(`#items li[data-id="${item.dataset.id}"] .message`);
            (again || $("status")).textContent = t(done);
        } catch (e) { message.className = "message failed"; message.textContent = t("inbox.failed", e.message); }
    }

    async function play(button, id) {
        button.disabled = true;
        try {
            const response = await api(`/api/v1/feedback/${id}/voice`, { headers: { Accept: "audio/*" } });
            if (!response.ok) { button.textContent = await problem(response); return; }
            const audio = el("audio", { controls: "", src: URL.createObjectURL(await response.blob()), "aria-label": t("inbox.recording") });
            button.replaceWith(audio);
            audio.focus();
        } catch { button.disabled = false; }
    }

    function field(id, key, control) {
        return el("div", { class: "field" }, el("label", { for: id, text: t(key) }), control);
    }

    function transcriptForm(i) {
        const local = ["dua", "bas", "ewo"].includes(i.language) || ["dua", "bas", "ewo"].includes(i.comment_language);
        const form = el("form", { class: "transcript" },
            field(`tr-${i.id}`, "inbox.transcript", el("textarea", { id: `tr-${i.id}`, rows: 3, maxlength: 4000 })),
            field(`tl-${i.id}`, local ? "inbox.translation" : "inbox.translation_optional", el("textarea", { id: `tl-${i.id}`, rows: 2, maxlength: 4000 })),
            el("button", { type: "submit", text: t("inbox.save_transcript") }));
        form.querySelector("textarea").value = i.transcript || "";
        form.querySelectorAll("textarea")[1].value = i.translation || "";
        form.addEventListener("submit", ev => {
            ev.preventDefault();
            const [transcript, translation] = form.querySelectorAll("textarea");
            act(form.closest("li"), `/api/v1/inbox/${i.id}/transcript`, "PUT", { transcript: transcript.value, translation: translation.value || null }, "inbox.saved");
        });
        return form;
    }

    function analysisForm(i) {
        const sentiment = el("select", { id: `se-${i.id}` }, ...["positive", "neutral", "negative"].map(s =>
            el("option", { value: s, selected: i.sentiment === s ? "" : null, text: label("sentiment", s) })));
        const topics = el("fieldset", { class: "topics" }, el("legend", { text: t("inbox.topics") }),
            ...page.topics.map(x => el("label", {}, el("input", { type: "checkbox", value: x, checked: i.topics.includes(x) ? "" : null }), " " + label("topic", x))));
        const form = el("form", { class: "analysis" }, field(`se-${i.id}`, "inbox.sentiment", sentiment), topics,
            el("button", { type: "submit", text: t(i.reviewed ? "inbox.save_analysis" : "inbox.confirm_analysis") }));
        form.addEventListener("submit", ev => {
            ev.preventDefault();
            const chosen = [...topics.querySelectorAll("input:checked")].map(c => c.value);
            act(form.closest("li"), `/api/v1/inbox/${i.id}/analysis`, "PUT", { sentiment: sentiment.value, topics: chosen }, "inbox.saved");
        });
        return form;
    }

    function departmentForm(i) {
        const chosen = i.department || i.suggested_department || "";
        const select = el("select", { id: `de-${i.id}` }, el("option", { value: "", text: t("inbox.no_department") }),
            ...page.departments.map(d => el("option", { value: d.name, selected: chosen === d.name ? "" : null, text: label("department", d.name) })));
        const form = el("form", { class: "department" }, field(`de-${i.id}`, "inbox.department", select),
            !i.department && i.suggested_department ? el("small", { class: "muted", text: t("inbox.suggested", label("department", i.suggested_department)) }) : null,
            el("button", { type: "submit", text: t("inbox.assign") }));
        form.addEventListener("submit", ev => {
            ev.preventDefault();
            act(form.closest("li"), `/api/v1/inbox/${i.id}/department`, "PUT", { department: select.value || null }, "inbox.assigned");
        });
        return form;
    }

    function replyForm(i) {
        if (!i.can_reply) return el("p", { class: "muted", text: t("inbox.no_reply") });
        // What the server sends (InboxEndpoints.ReplyAsync): Template_InboxReply, the greeting around {message}, and the words as typed.
        const text = el("textarea", { id: `re-${i.id}`, rows: 2, maxlength: 240, "aria-describedby": `rh-${i.id}` });
        const channel = el("select", { id: `rc-${i.id}` }, el("option", { value: "sms", text: "SMS" }),
            el("option", { value: "whatsapp", selected: i.channel === "whatsapp" ? "" : null, text: "WhatsApp" }));
        const answer = field(`re-${i.id}`, "inbox.reply", text);
        answer.append(el("small", { id: `rh-${i.id}`, class: "muted", text: t("inbox.reply_hint") }));
        const form = el("form", { class: "reply" }, answer, field(`rc-${i.id}`, "inbox.channel", channel),
            el("button", { type: "submit", text: t("inbox.send") }));
        form.addEventListener("submit", ev => {
            ev.preventDefault();
            act(form.closest("li"), `/api/v1/inbox/${i.id}/reply`, "POST", { message: text.value, channel: channel.value }, "inbox.reply_queued");
        });
        return form;
    }

    function item(i) {
        const machine = i.transcript && i.transcript_by && i.transcript_by.startsWith("machine:");
        return el("li", { class: "card item", "data-id": i.id, tabindex: "-1" },
            el("div", { class: "head" },
                el("span", { class: "badge queue " + i.queue, text: t("inbox.q." + i.queue) }),
                el("span", { class: "stars", "aria-label": `${i.rating}/5`, text: stars(i.rating) }),
                el("span", { text: label("channel", i.channel) }),
                el("span", { text: label("language", i.language) }),
                i.comment_language && i.comment_language !== i.language ? el("span", { text: t("inbox.written_in", label("language", i.comment_language)) }) : null,
                i.department ? el("span", { class: "badge department", text: label("department", i.department) }) : null,
                el("time", { datetime: i.date_submitted, text: when(i.date_submitted) }),
                el("span", { class: "muted", text: "#" + i.id })),
            i.content ? el("p", { class: "comment", text: i.content }) : null,
            i.has_voice ? el("button", { type: "button", class: "play", text: "▶ " + t("inbox.play"), onclick: ev => play(ev.currentTarget, i.id) }) : null,
            i.has_voice ? el("p", { class: "machine" },
                el("strong", { text: t(i.transcript_confirmed ? "inbox.transcript_confirmed" : machine ? "inbox.machine_transcript" : "inbox.no_transcript") + " " }),
                machine ? el("span", { text: i.transcript + " " }) : null,
                machine ? el("small", { class: "muted", text: "(" + i.transcript_by + ")" }) : null,
                i.transcript_error && !i.transcript_confirmed ? el("small", { class: "muted", text: " " + i.transcript_error }) : null) : null,
            i.translation ? el("p", { class: "translation" }, el("strong", { text: t("inbox.translation") + ": " }), i.translation) : null,
            el("p", { class: "analysis-line" },
                i.sentiment ? el("span", { class: "badge " + i.sentiment, text: label("sentiment", i.sentiment) }) : el("span", { class: "muted", text: t("inbox.not_analysed") }),
                i.confidence !== undefined ? el("span", { class: "muted", text: " " + t("inbox.confidence", Math.round(i.confidence * 100)) }) : null,
                i.rating_disagrees ? el("span", { class: "badge negative", text: t("inbox.disagrees") }) : null,
                i.alarming ? el("span", { class: "badge escalated", text: t("inbox.alarming") }) : null,
                i.topics.length ? el("span", { text: " " + i.topics.map(x => label("topic", x)).join(", ") }) : null),
            i.has_voice ? transcriptForm(i) : null,
            analysisForm(i),
            departmentForm(i),
            replyForm(i),
            i.reply ? el("p", { class: "reply-status" }, t("inbox.reply_status", label("channel", i.reply.channel)), " ",
                el("strong", { text: t("inbox.r." + i.reply.status) }), i.reply.reason ? " (" + i.reply.reason + ")" : "") : null,
            el("div", { class: "actions" }, el("button", { type: "button", class: "green", text: t("inbox.handled"),
                onclick: ev => act(ev.currentTarget.closest("li"), `/api/v1/inbox/${i.id}/handled`, "POST", undefined, "inbox.handled_done") })),
            el("p", { class: "message", role: "status", "aria-live": "polite" }));
    }

    function drawQueues() {
        const counts = page ? page.counts : {};
        $("queues").replaceChildren(...queues.map(q => el("button", {
            type: "button", class: q === queue ? "queue-tab current" : "queue-tab", "aria-pressed": q === queue ? "true" : "false", "data-queue": q,
            text: `${t(q ? "inbox.q." + q : "inbox.q.all")} (${(q ? counts[q] : counts.total) ?? 0})`,
            onclick: () => { queue = q; load(); },
        })));
    }

    // The department filter, with how many items of the queue shown wait in each.
    function drawDepartments() {
        const select = $("f-department");
        const value = select.value;
        select.replaceChildren(el("option", { value: "", text: t("inbox.any") }),
            el("option", { value: "none", text: `${t("inbox.unassigned")} (${page.unassigned})` }),
            ...page.departments.map(d => el("option", { value: d.name, text: `${label("department", d.name)} (${d.count})` })));
        select.value = value;
    }

    function draw(focusId) {
        drawQueues();
        drawDepartments();
        const topic = $("f-topic");
        if (topic.options.length === 1 && page.topics.length) topic.append(...page.topics.map(x => el("option", { value: x, text: label("topic", x) })));
        const list = $("items");
        $("more").hidden = !next;
        if (!items.length) { list.replaceChildren(el("li", { class: "card muted", text: t("inbox.empty") })); return; }
        list.replaceChildren(...items.map(item));
        // After an action the same item keeps the focus, or the next one when it has left the list.
        if (focusId) {
            const next = list.querySelector(`li[data-id="${focusId}"]`) || list.querySelector("li");
            if (next) next.focus();
        }
    }

    async function fetchPage(cursor, limit) {
        const params = new URLSearchParams();
        if (queue) params.set("queue", queue);
        for (const [name, id] of [["channel", "f-channel"], ["language", "f-language"], ["topic", "f-topic"], ["department", "f-department"], ["from", "f-from"], ["to", "f-to"]]) {
            if ($(id).value) params.set(name, $(id).value);
        }
        if (cursor) params.set("cursor", cursor);
        params.set("limit", limit);
        $("status").textContent = t("inbox.loading");
        const response = await api("/api/v1/inbox?" + params);
        if (!response.ok) { $("status").textContent = await problem(response); return null; }
        const answer = await response.json();
        $("status").textContent = "";
        return answer;
    }

    // The first page again; after an action on the list, as many items as were shown (up to the server's 100).
    // Only the answer to the latest request is drawn, and "Show more" is hidden while a list is on its way: clicked then, it
    // continued the list shown before the filter, and the filtered list arriving after it replaced what it had added.
    let requests = 0;
    function starting() {
        next = null;
        $("more").hidden = true;
        return ++requests;
    }

    async function load(focusId) {
        const mine = starting();
        const answer = await fetchPage(null, focusId ? Math.min(100, Math.max(pageSize, items.length)) : pageSize);
        if (!answer || mine !== requests) return;
        page = answer;
        items = answer.items;
        next = answer.next_cursor || null;
        draw(focusId);
    }

    // The next page, after the items shown; the focus goes to its first item.
    async function more() {
        const cursor = next;
        const mine = starting();
        const answer = await fetchPage(cursor, pageSize);
        if (mine !== requests) return;
        if (!answer) { next = cursor; $("more").hidden = false; return; } // the problem is on the page; the button tries again
        page = answer;
        const first = answer.items.length ? answer.items[0].id : null;
        items = items.concat(answer.items);
        next = answer.next_cursor || null;
        draw(first);
    }

    TF.apply();
    TF.initToggle();
    TF.initLogin();
    TF.onLang(() => { if (page) draw(); });
    $("filters").addEventListener("submit", ev => { ev.preventDefault(); load(); });
    $("more").addEventListener("click", () => more().catch(() => {}));
    load().catch(() => {});
})();
