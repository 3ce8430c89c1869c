import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzResultModule } from 'ng-zorro-antd/result';
import { TranslatePipe } from '../../shared/translate.pipe';

/** Unknown console URL (the appliance serves index.html for any non-API path). */
@Component({
  selector: 'pd-not-found-page',
  imports: [NzButtonModule, NzResultModule, RouterLink, TranslatePipe],
  template: `
    <nz-result nzStatus="404" nzTitle="404" [nzSubTitle]="'notFound.title' | t">
      <div nz-result-extra>
        <a nz-button nzType="primary" routerLink="/dashboard">{{ 'notFound.back' | t }}</a>
      </div>
    </nz-result>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotFoundPage {}
