// The data an HTML report embeds for its charts (JSON in the page), shared by the code that builds it in
// Node and the script that draws it in the browser.

export interface ChartSeriesSpec {
  label: string;
  /** CSS colour, #rrggbb or #rrggbbaa. */
  color: string;
  /** Canvas line dash, [] for a solid line. */
  dash: number[];
  width: number;
  /** One value per x; null leaves a gap. */
  values: (number | null)[];
}

export interface ChartSpec {
  /** The id of the element the chart is drawn into. */
  id: string;
  title: string;
  /** percentile: x is 1/(1-p) on a log scale, labelled as percentiles; second: x counts the run's seconds. */
  xKind: "percentile" | "second";
  yLabel: string;
  logY: boolean;
  x: number[];
  series: ChartSeriesSpec[];
}

export interface PageData {
  charts: ChartSpec[];
}
