import { useCallback, useEffect, useRef, useState } from 'react';
import type { FrameEntry } from '../host-bridge/index.js';
import { findStack } from '../host-bridge/photoshop/index.js';
import { watchDocument } from '../host-bridge/photoshop/retouch.js';
import { layerThumbnail } from '../host-bridge/photoshop/thumbnails.js';
import type { Photoshop } from '../host-bridge/photoshop/types.js';

export interface FrameListState {
  entries: FrameEntry[];
  thumbnails: Record<string, string>;
  /** Why the document cannot be stacked as it is (no document, wrong mode…), or undefined. */
  problem?: string;
  refresh: () => void;
}

const THUMB_WIDTH = 48;

/**
 * The active document's candidate frames, refreshed when Photoshop reports a change (debounced, and not
 * while a run holds the document), with small thumbnails loaded lazily.
 */
export function useFrames(ps: Photoshop, paused: boolean): FrameListState {
  const [entries, setEntries] = useState<FrameEntry[]>([]);
  const [thumbnails, setThumbnails] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const timer = useRef<ReturnType<typeof setTimeout>>();

  const load = useCallback(async () => {
    let stack;
    try {
      stack = findStack(ps);
    } catch (error) {
      setEntries([]);
      setProblem((error as Error).message);
      return;
    }
    setProblem(undefined);
    setEntries(stack.entries);
    const next: Record<string, string> = {};
    for (const entry of stack.entries.filter((e) => e.usable)) {
      try {
        next[entry.id] = await layerThumbnail(ps, stack.doc.id, Number(entry.id), THUMB_WIDTH);
      } catch {
        // A thumbnail is a nicety; the frame is still listed.
      }
    }
    setThumbnails(next);
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

  return { entries, thumbnails, problem, refresh };
}
