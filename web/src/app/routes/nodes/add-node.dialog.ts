import { Clipboard } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, computed, inject, output, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import { isDeleted } from '@paddock/protocol/api/events';
import type { EnrollmentToken } from '@paddock/protocol/api/nodes';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { NzSpinModule } from 'ng-zorro-antd/spin';
import { NodesApi } from '../../core/api/nodes.api';
import { API_BASE } from '../../core/http/api-base';
import { LiveEvents } from '../../core/live/live-events.service';
import { WhenPipe } from '../../shared/format.pipes';
import { TranslatePipe } from '../../shared/translate.pipe';
import { labelDialogBy } from '../../shared/a11y';

const TOKEN_TTL_SEC = 3600;
// The appliance stamps the node's creation; allow for a little clock skew between the two.
const SKEW_MS = 5_000;

/**
 * Add node: issues a single-use enrollment token, shows the exact agent command with a copy
 * button, then watches the live node events for a node enrolled since and says when it is online.
 */
@Component({
  selector: 'pd-add-node-dialog',
  imports: [
    NzAlertModule,
    NzButtonModule,
    NzIconModule,
    NzModalModule,
    NzSpinModule,
    RouterLink,
    TranslatePipe,
    WhenPipe,
  ],
  template: `
    <nz-modal
      [nzVisible]="true"
      [nzTitle]="title"
      [nzFooter]="footer"
      nzWidth="720px"
      (nzOnCancel)="closed.emit()"
      (nzAfterOpen)="nameDialog('add-node-title')"
    >
      <ng-template #title><span id="add-node-title">{{ 'nodes.addTitle' | t }}</span></ng-template>
      <ng-container *nzModalContent>
        <div id="add-node-dialog">
          <p>{{ 'nodes.addIntro' | t }}</p>
          @if (token(); as t) {
            <div class="command">
              <pre id="enroll-command" [attr.aria-label]="'nodes.command' | t"><code>{{ command() }}</code></pre>
              <button
                id="enroll-copy"
                type="button"
                nz-button
                [attr.title]="'nodes.copyCommand' | t"
                (click)="copy()"
              >
                <nz-icon [nzType]="copied() ? 'check-circle' : 'copy'" />
                {{ (copied() ? 'common.copied' : 'common.copy') | t }}
              </button>
            </div>
            <p id="enroll-expiry" [attr.data-expires]="t.expiresAt">
              {{ 'nodes.tokenExpires' | t: { time: (t.expiresAt | when) } }}
            </p>
            <p class="note">{{ 'nodes.installerNote' | t }}</p>
            @if (joined(); as node) {
              <nz-alert
                id="enroll-joined"
                [attr.data-node-id]="node.id"
                nzType="success"
                nzShowIcon
                [nzMessage]="joinedText"
              />
              <ng-template #joinedText>
                {{ 'nodes.joined' | t: { name: node.hostname } }}
                <a href="/nodes" [routerLink]="['/nodes', node.id]" (click)="closed.emit()">{{ 'nodes.openNode' | t }}</a>
              </ng-template>
            } @else {
              <div id="enroll-waiting" class="waiting"><nz-spin nzSimple nzSize="small" /> {{ 'nodes.waiting' | t }}</div>
            }
          } @else {
            <div class="waiting"><nz-spin nzSimple nzSize="small" /> {{ 'nodes.issuing' | t }}</div>
          }
        </div>
      </ng-container>
      <ng-template #footer>
        <button id="enroll-new-token" type="button" nz-button (click)="issue()" [disabled]="!token()">
          {{ 'nodes.newToken' | t }}
        </button>
        <button id="enroll-close" type="button" nz-button nzType="primary" (click)="closed.emit()">
          {{ 'common.close' | t }}
        </button>
      </ng-template>
    </nz-modal>
  `,
  styles: `
    .command {
      display: flex;
      align-items: flex-start;
      gap: 8px;
      margin-bottom: 8px;
    }
    pre {
      flex: 1;
      min-width: 0;
      margin: 0;
      padding: 8px 12px;
      border: 1px solid rgba(128, 128, 128, 0.35);
      border-radius: 4px;
      white-space: pre-wrap;
      word-break: break-all;
      font-size: 13px;
    }
    .note {
      font-size: 12px;
      opacity: 0.8;
    }
    .waiting {
      display: flex;
      align-items: center;
      gap: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AddNodeDialog {
  protected readonly nameDialog = labelDialogBy;
  private readonly api = inject(NodesApi);
  private readonly clipboard = inject(Clipboard);
  /** The appliance as this browser reaches it: what an agent on the same network dials too. */
  private readonly server = inject(API_BASE) || window.location.origin;

  readonly closed = output<void>();
  protected readonly token = signal<EnrollmentToken | null>(null);
  protected readonly copied = signal(false);
  protected readonly joined = signal<{ id: string; hostname: string } | null>(null);
  protected readonly command = computed(() => {
    const t = this.token();
    return t ? `paddock-agent --server ${this.server} --token ${t.token}` : '';
  });

  constructor() {
    inject(LiveEvents)
      .on('node')
      .pipe(takeUntilDestroyed())
      .subscribe(({ data }) => {
        const t = this.token();
        if (!t || this.joined() || isDeleted(data) || data.status !== 'online') return;
        const issuedAt = Date.parse(t.expiresAt) - TOKEN_TTL_SEC * 1000;
        if (Date.parse(data.createdAt) >= issuedAt - SKEW_MS)
          this.joined.set({ id: data.id, hostname: data.hostname });
      });
    void this.issue();
  }

  protected async issue(): Promise<void> {
    this.token.set(null);
    this.copied.set(false);
    this.joined.set(null);
    this.token.set(await this.api.issueEnrollmentToken(TOKEN_TTL_SEC));
  }

  protected copy(): void {
    // CDK's clipboard falls back to a hidden textarea: navigator.clipboard needs HTTPS.
    this.copied.set(this.clipboard.copy(this.command()));
  }
}
