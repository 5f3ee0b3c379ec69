import { useCallback, useEffect, useRef, useState } from 'react';
import { findStack, ThumbnailCache, watchDocument, type Canvas, type FrameEntry, type Photoshop } from '../host-bridge/photoshop/index.js';

export interface FrameListState {
  entries: FrameEntry[];
  thumbnails: Record<string, string>;
  /** The document's size and format, for the growth estimate. */
  canvas?: Canvas;
  /** Why the document cannot be stacked as it is (no document, wrong mode, no imaging API…), or undefined. */
  problem?: string;
  refresh: () => void;
}

const THUMB_WIDTH = 48;

/**
 * The active document's candidate frames, refreshed when Photoshop reports a change (debounced, and not
 * while a run holds the document), with small thumbnails read once per layer.
 */
export function useFrames(ps: Photoshop, paused: boolean): FrameListState {
  const [entries, setEntries] = useState<FrameEntry[]>([]);
  const [thumbnails, setThumbnails] = useState<Record<string, string>>({});
  const [canvas, setCanvas] = useState<Canvas>();
  const [problem, setProblem] = useState<string>();
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const cache = useRef<ThumbnailCache>();

  const load = useCallback(async () => {
    let stack;
    try {
      stack = findStack(ps);
    } catch (error) {
      setEntries([]);
      setCanvas(undefined);
      setProblem((error as Error).message);
      return;
    }
    setProblem(undefined);
    setEntries(stack.entries);
    setCanvas({ width: stack.doc.width, height: stack.doc.height, channels: stack.channels, bitDepth: stack.bitDepth });
    cache.current ??= new ThumbnailCache(ps, THUMB_WIDTH);
    setThumbnails(await cache.current.get(stack.doc.id, stack.entries.filter((e) => e.usable).map((e) => Number(e.id))));
  }, [ps]);

  const refresh = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (!pausedRef.current) void load();
    }, 150);
  }, [load]);

  useEffect(() => {
    void load();
    let stop: (() => Promise<void>) | undefined;
    void watchDocument(ps, refresh).then((s) => (stop = s));
    return () => {
      clearTimeout(timer.current);
      void stop?.();
    };
  }, [ps, load, refresh]);

  return { entries, thumbnails, canvas, problem, refresh };
}
