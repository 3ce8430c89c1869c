import { GraphChart } from 'echarts/charts';
import { LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * The only ECharts entry point of the topology view, imported dynamically so the library is a
 * chunk of its own, fetched the first time the view opens: just the graph series, tooltip,
 * legend and canvas renderer, not the whole of ECharts.
 */
echarts.use([GraphChart, TooltipComponent, LegendComponent, CanvasRenderer]);

export { echarts };
