import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { I18nService, LANGUAGES } from '../../core/i18n/i18n.service';
import { TranslatePipe } from '../../shared/translate.pipe';

/** Frame for pages shown before sign-in: brand, a centred card, and the language choice. */
@Component({
  selector: 'pd-passport-layout',
  imports: [NzButtonModule, RouterOutlet, TranslatePipe],
  templateUrl: './passport.layout.html',
  styleUrl: './passport.layout.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PassportLayout {
  protected readonly i18n = inject(I18nService);
  protected readonly languages = LANGUAGES;
}
