import { HttpErrorResponse, httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { NzBadgeModule } from 'ng-zorro-antd/badge';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { NzGridModule } from 'ng-zorro-antd/grid';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { AuthService } from '../../core/auth/auth.service';
import { API_BASE } from '../../core/http/api-base';
import { I18nService } from '../../core/i18n/i18n.service';
import { PageHeaderComponent } from '../../shared/page-header.component';
import { TranslatePipe } from '../../shared/translate.pipe';
import { type ApplianceHealth, healthFacts } from './health.model';

/** First page after sign-in: who you are and whether the appliance answers. */
@Component({
  selector: 'pd-dashboard-page',
  imports: [
    NzBadgeModule,
    NzButtonModule,
    NzCardModule,
    NzDescriptionsModule,
    NzGridModule,
    NzIconModule,
    NzTagModule,
    PageHeaderComponent,
    TranslatePipe,
  ],
  templateUrl: './dashboard.page.html',
  styles: `
    nz-card {
      height: 100%;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DashboardPage {
  private readonly i18n = inject(I18nService);
  protected readonly user = inject(AuthService).user;
  protected readonly endpoint = inject(API_BASE) || window.location.origin;
  protected readonly health = httpResource<ApplianceHealth>(() => '/healthz');

  protected readonly welcome = computed(() =>
    this.i18n.t('dashboard.welcome', { name: this.user()?.username ?? '' }),
  );
  protected readonly facts = computed(() => (this.health.hasValue() ? healthFacts(this.health.value()) : []));
  protected readonly status = computed(() => {
    if (this.health.isLoading())
      return { badge: 'processing', text: this.i18n.t('dashboard.checking') } as const;
    const error = this.health.error();
    if (error instanceof HttpErrorResponse && error.status > 0) {
      return {
        badge: 'error',
        text: this.i18n.t('dashboard.statusFailing', { code: error.status }),
      } as const;
    }
    if (error || !this.health.hasValue())
      return { badge: 'error', text: this.i18n.t('dashboard.statusDown') } as const;
    const status = this.health.value().status;
    return status === 'ok'
      ? ({ badge: 'success', text: this.i18n.t('dashboard.statusOk') } as const)
      : ({ badge: 'warning', text: this.i18n.t('dashboard.statusDegraded', { status }) } as const);
  });
}
