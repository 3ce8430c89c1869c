import { ChangeDetectionStrategy, Component, effect, inject, signal, untracked } from '@angular/core';
import { Router, RouterLink, RouterOutlet } from '@angular/router';
import { NzBadgeModule } from 'ng-zorro-antd/badge';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzDropdownModule } from 'ng-zorro-antd/dropdown';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzLayoutModule } from 'ng-zorro-antd/layout';
import { NzMenuModule } from 'ng-zorro-antd/menu';
import { NzTooltipModule } from 'ng-zorro-antd/tooltip';
import { AuthService } from '../../core/auth/auth.service';
import { I18nService, LANGUAGES } from '../../core/i18n/i18n.service';
import { LiveEvents } from '../../core/live/live-events.service';
import { ThemeService } from '../../core/theme/theme.service';
import { TranslatePipe } from '../../shared/translate.pipe';
import { NAVIGATION } from './navigation';

/** The signed-in console: side menu, header (user, language, theme, sign-out) and the routed page. */
@Component({
  selector: 'pd-basic-layout',
  imports: [
    NzBadgeModule,
    NzButtonModule,
    NzDropdownModule,
    NzIconModule,
    NzLayoutModule,
    NzMenuModule,
    NzTooltipModule,
    RouterLink,
    RouterOutlet,
    TranslatePipe,
  ],
  templateUrl: './basic.layout.html',
  styleUrl: './basic.layout.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BasicLayout {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  protected readonly i18n = inject(I18nService);
  protected readonly theme = inject(ThemeService);
  protected readonly user = this.auth.user;
  protected readonly navigation = NAVIGATION;
  protected readonly languages = LANGUAGES;
  protected readonly collapsed = signal(false);
  /** The shell owns the live stream: it runs while someone is signed in. */
  protected readonly live = inject(LiveEvents).state;

  constructor() {
    // Signed out in another tab: leave the shell instead of failing on the next request.
    effect(() => {
      if (this.auth.hasSession()) return;
      untracked(() => {
        const pending = this.router.currentNavigation();
        const target = pending ? this.router.serializeUrl(pending.extractedUrl) : this.router.url;
        if (!target.startsWith('/login')) void this.router.navigate(['/login']);
      });
    });
  }

  protected async logout(): Promise<void> {
    await this.auth.logout();
    await this.router.navigate(['/login']);
  }
}
