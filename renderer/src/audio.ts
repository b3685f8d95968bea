/** Plays each call's remote audio on the chosen output device. */
const elements = new Map<string, HTMLAudioElement>();

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

export function playRemote(callId: string, stream: MediaStream, outputId: string): void {
  let el = elements.get(callId) as SinkAudio | undefined;
  if (!el) {
    el = document.createElement('audio') as SinkAudio;
    el.autoplay = true;
    el.dataset.callId = callId;
    el.hidden = true;
    document.body.appendChild(el);
    elements.set(callId, el);
  }
  el.srcObject = stream;
  if (outputId && el.setSinkId) void el.setSinkId(outputId).catch(() => undefined);
  void el.play().catch(() => undefined);
}

export function stopRemote(callId: string): void {
  const el = elements.get(callId);
  if (!el) return;
  el.srcObject = null;
  el.remove();
  elements.delete(callId);
}

export function setOutputDevice(outputId: string): void {
  for (const el of elements.values() as IterableIterator<SinkAudio>) {
    if (el.setSinkId) void el.setSinkId(outputId).catch(() => undefined);
  }
}
