import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { SystemInfo } from '@paddock/protocol/api/system';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { NzGridModule } from 'ng-zorro-antd/grid';
import { NzRadioModule } from 'ng-zorro-antd/radio';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { SystemApi } from '../../core/api/system.api';
import { AuthService } from '../../core/auth/auth.service';
import { I18nService, LANGUAGES } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/dictionaries/en';
import { THEME_MODES, type ThemeMode, ThemeService } from '../../core/theme/theme.service';
import { WhenPipe } from '../../shared/format.pipes';
import { PageHeaderComponent } from '../../shared/page-header.component';
import { TranslatePipe } from '../../shared/translate.pipe';
import { ChangePasswordForm } from './change-password.form';

const THEME_LABELS: Record<ThemeMode, MessageKey> = {
  light: 'settings.themeLight',
  dark: 'settings.themeDark',
  system: 'settings.themeSystem',
};

/** Your profile, password, language and theme, and what the appliance runs on. */
@Component({
  selector: 'pd-settings-page',
  imports: [
    ChangePasswordForm,
    FormsModule,
    NzCardModule,
    NzDescriptionsModule,
    NzGridModule,
    NzRadioModule,
    NzTagModule,
    PageHeaderComponent,
    TranslatePipe,
    WhenPipe,
  ],
  templateUrl: './settings.page.html',
  styles: `
    nz-card {
      height: 100%;
    }
    .pref {
      margin: 0;
      padding: 0;
      border: 0;
    }
    .pref + .pref {
      margin-top: 16px;
    }
    .pref-label {
      margin-bottom: 8px;
      font-size: 14px;
      font-weight: 500;
      border: 0;
    }
    nz-tag {
      margin-bottom: 2px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SettingsPage {
  private readonly system = inject(SystemApi);
  protected readonly i18n = inject(I18nService);
  protected readonly theme = inject(ThemeService);
  protected readonly user = inject(AuthService).user;
  protected readonly languages = LANGUAGES;
  protected readonly modes = THEME_MODES;
  protected readonly info = signal<SystemInfo | null>(null);
  protected readonly themeLabel = (mode: ThemeMode) => this.i18n.t(THEME_LABELS[mode]);

  constructor() {
    void this.system.info().then(
      (info) => this.info.set(info),
      () => {},
    );
  }
}
