import {
  ApartmentOutline,
  AuditOutline,
  ClockCircleOutline,
  ClusterOutline,
  DashboardOutline,
  DatabaseOutline,
  DesktopOutline,
  GlobalOutline,
  LockOutline,
  LogoutOutline,
  MenuFoldOutline,
  MenuUnfoldOutline,
  MoonOutline,
  ReloadOutline,
  SafetyCertificateOutline,
  ScheduleOutline,
  SettingOutline,
  SunOutline,
  TeamOutline,
  UserOutline,
} from '@ant-design/icons-angular/icons';

/**
 * Icons compiled into the bundle. ng-zorro otherwise fetches unknown icons over HTTP from
 * /assets, which the appliance does not serve and an offline desktop shell cannot reach.
 */
export const ICONS = [
  ApartmentOutline,
  AuditOutline,
  ClockCircleOutline,
  ClusterOutline,
  DashboardOutline,
  DatabaseOutline,
  DesktopOutline,
  GlobalOutline,
  LockOutline,
  LogoutOutline,
  MenuFoldOutline,
  MenuUnfoldOutline,
  MoonOutline,
  ReloadOutline,
  SafetyCertificateOutline,
  ScheduleOutline,
  SettingOutline,
  SunOutline,
  TeamOutline,
  UserOutline,
];
