import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only what the line charts draw; this module is imported lazily, so ECharts stays out of the
// initial bundle and loads with the first chart.
use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { init };
