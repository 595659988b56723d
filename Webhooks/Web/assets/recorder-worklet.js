// The studio's recorder: collects the microphone's samples (mixed to mono, Float32) and posts them to the page
// in blocks; "flush" posts what is left and then "done". The page encodes them as 16-bit PCM WAV.
"use strict";
class Recorder extends AudioWorkletProcessor {
    constructor() {
        super();
        this.block = new Float32Array(4096);
        this.length = 0;
        this.port.onmessage = event => {
            if (event.data !== "flush") return;
            if (this.length > 0) this.port.postMessage(this.block.slice(0, this.length));
            this.length = 0;
            this.port.postMessage("done");
        };
    }

    process(inputs) {
        const channels = inputs[0];
        if (!channels || channels.length === 0) return true;
        const frames = channels[0].length;
        for (let i = 0; i < frames; i++) {
            let sum = 0;
            for (const channel of channels) sum += channel[i];
            this.block[this.length++] = sum / channels.length;
            if (this.length === this.block.length) {
                this.port.postMessage(this.block.slice());
                this.length = 0;
            }
        }
        return true;
    }
}
registerProcessor("recorder", Recorder);
