/**
 * Bench-only probes, installed with `page.addInitScript({ path })` before any page script runs
 * (bench/compare.ts, bench/soak.ts). They wrap RTCPeerConnection, getUserMedia and WebSocket so a
 * bench can time a call and find what a call left open, without any change to the product.
 * Plain JS: tsx would add `__name` helpers to a serialised TS function, which the page lacks.
 * Times are `performance.timeOrigin + performance.now()`: the same clock as Node's `Date.now()`.
 */
(() => {
  const now = () => performance.timeOrigin + performance.now();
  // Bounded logs: the soak runs hundreds of calls in one page and measures its heap.
  const push = (list, item, max = 100) => {
    list.push(item);
    if (list.length > max) list.shift();
  };
  const B = {
    /** Key presses (clicks), stamped in the capture phase: before any handler of the page. */
    presses: [],
    /** SIP requests the page sent: { at, method, callId }. */
    sent: [],
    /** Each 200 OK to a REGISTER received. */
    registeredAt: [],
    /** First inbound RTP per peer connection (see pollRtp). */
    rtp: [],
    // Held until seen closed or ended (check() drops them then): nothing closed is kept alive by us.
    pcs: [],
    tracks: [],
    sockets: [],
  };
  window.__bench = B;
  document.addEventListener('click', () => push(B.presses, now()), { capture: true });

  /**
   * First inbound RTP of a peer connection. Chromium caches a getStats() report for 50 ms, so polling
   * every ~2 ms sees a new report as soon as there is one; the first packet lies between the newest
   * report without inbound audio and the first with it (`packets` k, last one at t). With the packet
   * interval measured from the next report, it is put at t − (k − 1) × interval, not before the bound.
   * Polling starts once the answer is in: nothing on the INVITE path is slowed by it.
   */
  const pollRtp = async (pc, rec) => {
    let empty = now();
    let first = null;
    const gaps = [];
    let prev = now();
    const done = (interval) => {
      rec.interval = interval;
      rec.at = Math.max(empty, first.last - (first.k - 1) * interval);
      rec.lowerBound = empty;
      rec.packets = first.k;
      rec.seenAt = first.seenAt;
      gaps.sort((a, b) => a - b);
      rec.pollMs = gaps[Math.floor(gaps.length / 2)] ?? 0;
      rec.pollMaxMs = gaps[gaps.length - 1] ?? 0;
      push(B.rtp, rec);
    };
    while (pc.connectionState !== 'closed' && pc.signalingState !== 'closed') {
      const report = await pc.getStats().catch(() => null);
      const t = now();
      gaps.push(t - prev);
      prev = t;
      let inbound = null;
      let stamp = 0;
      report?.forEach((s) => {
        stamp = Math.max(stamp, s.timestamp);
        if (s.type === 'inbound-rtp' && s.kind === 'audio' && s.packetsReceived > 0) inbound = s;
      });
      if (!inbound) {
        if (stamp) empty = Math.max(empty, stamp);
      } else if (!first) {
        first = { k: inbound.packetsReceived, last: inbound.lastPacketReceivedTimestamp, stamp: inbound.timestamp, seenAt: t };
      } else if (inbound.timestamp !== first.stamp && inbound.packetsReceived > first.k) {
        done((inbound.lastPacketReceivedTimestamp - first.last) / (inbound.packetsReceived - first.k));
        return;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    if (first) done(20); // closed before a second report: assume 20 ms packets
  };

  const NativePC = window.RTCPeerConnection;
  if (NativePC) {
    window.RTCPeerConnection = class extends NativePC {
      constructor(...args) {
        super(...args);
        const rec = { created: now(), at: 0, seenAt: 0, lowerBound: 0, packets: 0, interval: 0, pollMs: 0, pollMaxMs: 0 };
        this.__bench = rec;
        B.pcs.push(this);
        this.addEventListener('track', (e) => B.tracks.push(e.track));
        let polling = false;
        this.addEventListener('signalingstatechange', () => {
          if (polling || !this.remoteDescription) return;
          polling = true;
          void pollRtp(this, rec);
        });
      }
    };
  }

  const media = navigator.mediaDevices;
  if (media?.getUserMedia) {
    const native = media.getUserMedia.bind(media);
    media.getUserMedia = (constraints) =>
      native(constraints).then((stream) => {
        stream.getTracks().forEach((t) => B.tracks.push(t));
        return stream;
      });
  }

  const NativeWS = window.WebSocket;
  window.WebSocket = class extends NativeWS {
    constructor(...args) {
      super(...args);
      B.sockets.push(this);
      this.addEventListener('message', (e) => {
        if (typeof e.data === 'string' && e.data.startsWith('SIP/2.0 200') && /\r\nCSeq:\s*\d+\s+REGISTER/i.test(e.data)) push(B.registeredAt, now());
      });
    }
    send(data) {
      if (typeof data === 'string') {
        const method = /^([A-Z]+) \S+ SIP\/2\.0/.exec(data)?.[1];
        if (method) push(B.sent, { at: now(), method, callId: /\r\n(?:Call-ID|i):\s*(\S+)/i.exec(data)?.[1] ?? '' });
      }
      return super.send(data);
    }
  };

  /**
   * What is still open. A peer connection that took part in a call (it has a remote description) and
   * is not closed is a leak; one never used (a spare made ahead of a call) is only counted. Closed
   * connections, ended tracks and closed sockets are dropped from the lists.
   */
  B.check = () => {
    B.pcs = B.pcs.filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed');
    B.tracks = B.tracks.filter((t) => t.readyState === 'live');
    B.sockets = B.sockets.filter((s) => s.readyState === NativeWS.CONNECTING || s.readyState === NativeWS.OPEN);
    const used = B.pcs.filter((pc) => pc.remoteDescription);
    return {
      openPeerConnections: used.map((pc) => `${pc.connectionState}/${pc.signalingState}`),
      sparePeerConnections: B.pcs.length - used.length,
      liveTracks: B.tracks.map((t) => `${t.kind}:${t.label || t.id}`),
      openSockets: B.sockets.map((s) => s.url),
    };
  };

  /** Audio packet counters of the newest peer connection that is not closed. */
  B.audio = async () => {
    const pc = [...B.pcs].reverse().find((p) => p.connectionState !== 'closed' && p.remoteDescription);
    if (!pc) return null;
    const out = { sent: 0, received: 0 };
    (await pc.getStats()).forEach((s) => {
      if (s.kind !== 'audio') return;
      if (s.type === 'outbound-rtp') out.sent += s.packetsSent ?? 0;
      if (s.type === 'inbound-rtp') out.received += s.packetsReceived ?? 0;
    });
    return out;
  };
})();
