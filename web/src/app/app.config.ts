import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import {
  type ApplicationConfig,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, TitleStrategy, withComponentInputBinding } from '@angular/router';
import { provideNzIcons } from 'ng-zorro-antd/icon';
import { en_US, provideNzI18n } from 'ng-zorro-antd/i18n';
import { routes } from './app.routes';
import { apiInterceptor } from './core/http/api.interceptor';
import { I18nService } from './core/i18n/i18n.service';
import { ThemeService } from './core/theme/theme.service';
import { TranslatedTitleStrategy } from './core/i18n/translated-title.strategy';
import { ICONS } from './core/icons';

/** Zoneless: noVNC (the VM console, later) uses top-level await, which zone.js builds reject. */
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(routes, withComponentInputBinding()),
    provideHttpClient(withFetch(), withInterceptors([apiInterceptor])),
    provideNzI18n(en_US),
    provideNzIcons(ICONS),
    { provide: TitleStrategy, useClass: TranslatedTitleStrategy },
    // Applies the stored or browser language (and ng-zorro's locale) before the first render.
    provideAppInitializer(() => {
      inject(I18nService);
    }),
    // The stored theme (or the system's), with the dark stylesheet loaded: no light flash first.
    provideAppInitializer(() => inject(ThemeService).init()),
  ],
};
