import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

interface Props {
  height: number;
  /** The chart at the measured width (in px); not called until the box has one. */
  children: (width: number) => ReactNode;
}

/**
 * A chart's box, as wide as its container. recharts' ResponsiveContainer measures in a passive
 * effect, so a page first paints its charts empty and draws them in a second render after that
 * paint; measuring in a layout effect draws them in the same frame as the rest of the page
 * (bench:ui's compare view). A ResizeObserver follows later width changes.
 */
export function ChartBox({ height, children }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) return undefined;
    setWidth(Math.floor(box.getBoundingClientRect().width));
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver((entries) => {
      const entry = entries[0];
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={ref} className="chart-box" style={{ width: '100%', height, minWidth: 0 }}>
      {width > 0 ? children(width) : null}
    </div>
  );
}
