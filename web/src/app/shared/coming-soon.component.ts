import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzResultModule } from 'ng-zorro-antd/result';
import type { MessageKey } from '../core/i18n/dictionaries/en';
import { PageHeaderComponent } from './page-header.component';
import { TranslatePipe } from './translate.pipe';

/** Honest placeholder for an area that exists in the navigation but not yet in the product. */
@Component({
  selector: 'pd-coming-soon',
  imports: [NzIconModule, NzResultModule, PageHeaderComponent, TranslatePipe],
  template: `
    <pd-page-header [title]="title() | t" />
    <nz-result id="coming-soon" class="card" [nzTitle]="'soon.title' | t" [nzSubTitle]="scope() | t">
      <!-- Projected rather than [nzIcon]: that input wants a filled icon, most of ours are outline only. -->
      <nz-icon nz-result-icon [nzType]="icon()" />
    </nz-result>
  `,
  styles: `
    .card {
      background: #fff;
      border-radius: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ComingSoonComponent {
  readonly title = input.required<MessageKey>();
  /** What the page will hold, so the placeholder still tells the person something true. */
  readonly scope = input.required<MessageKey>();
  readonly icon = input('clock-circle');
}
