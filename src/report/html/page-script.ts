/// <reference lib="dom" />
// The script of an HTML report, run in the browser: draws every chart of the page's data with uPlot
// (inlined beside it). html-page.ts embeds this function's source, so it must use nothing from outside
// its own body but its two arguments.

import type uPlot from "uplot";
import type { PageData } from "./page-data.js";

export function drawCharts(data: PageData, UPlot: typeof uPlot): void {
  // uPlot hands null for a split it leaves unlabelled and for a value where the cursor is not.
  const percentOf = (inverseTail: number | null) =>
    inverseTail === null ? "-" : `${Number((100 * (1 - 1 / inverseTail)).toFixed(4))}%`;
  const number = (value: number | null | undefined) =>
    value === null || value === undefined ? "-" : Number(value.toPrecision(4)).toLocaleString("en-US");
  let chartsDrawn = 0;
  for (const spec of data.charts) {
    const container = document.getElementById(spec.id);
    if (container === null) throw new Error(`no element for chart ${spec.id}`);
    const drawn = new Set<number>();
    const percentile = spec.xKind === "percentile";
    const options: uPlot.Options = {
      title: spec.title,
      width: Math.max(480, container.clientWidth),
      height: 340,
      scales: {
        x: percentile ? { time: false, distr: 3, log: 10 } : { time: false },
        y: spec.logY ? { distr: 3, log: 10 } : {},
      },
      axes: [
        {
          label: percentile ? "percentile (log scale of 1/(1-p))" : "second of the measured phase",
          values: (_chart, splits) =>
            splits.map((split) => (split === null ? "" : percentile ? percentOf(split) : String(split))),
          // Whole seconds only.
          ...(percentile ? {} : { incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600] }),
        },
        {
          label: spec.yLabel,
          size: 70,
          values: (_chart, splits) => splits.map((split) => (split === null ? "" : number(split))),
        },
      ],
      series: [
        {
          label: percentile ? "percentile" : "second",
          value: (_chart, value) => (percentile ? percentOf(value) : number(value)),
        },
        ...spec.series.map((series) => ({
          label: series.label,
          stroke: series.color,
          width: series.width,
          dash: series.dash,
          points: { show: !percentile },
          value: (_chart: uPlot, value: number | null) => number(value),
        })),
      ],
      hooks: {
        drawSeries: [(_chart, seriesIndex) => drawn.add(seriesIndex)],
        draw: [
          () => {
            // Read by the browser tests: how many series uPlot has drawn on this chart's canvas.
            container.dataset.seriesDrawn = String(drawn.size);
          },
        ],
      },
    };
    container.dataset.seriesCount = String(spec.series.length);
    new UPlot(
      options,
      [spec.x, ...spec.series.map((series) => series.values)] as uPlot.AlignedData,
      container,
    );
    chartsDrawn++;
  }
  document.body.dataset.chartsDrawn = String(chartsDrawn);
  // How long the page took from navigation until every chart was drawn, for whoever measures it.
  document.body.dataset.renderedAtMs = String(Math.round(performance.now()));
}
