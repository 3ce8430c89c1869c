import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** Title line shared by every page, so tests and people find the heading in the same place. */
@Component({
  selector: 'pd-page-header',
  template: `
    <h1 id="page-title" class="title">{{ title() }}</h1>
    <ng-content />
  `,
  styles: `
    :host {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 16px;
      margin-bottom: 16px;
    }
    .title {
      margin: 0;
      font-size: 20px;
      font-weight: 600;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PageHeaderComponent {
  readonly title = input.required<string>();
}
