import type { coreEn, MessageKey } from './en';
import * as common from './areas/common';
import * as dashboard from './areas/dashboard';
import * as nodes from './areas/nodes';
import * as vmDetail from './areas/vm-detail';
import * as vms from './areas/vms';
import * as consoleArea from './areas/console';
import * as storage from './areas/storage';
import * as network from './areas/network';
import * as tasks from './areas/tasks';
import * as audit from './areas/audit';
import * as users from './areas/users';
import * as roles from './areas/roles';
import * as settings from './areas/settings';

const core: Record<keyof typeof coreEn, string> = {
  'app.name': 'Paddock',
  'app.tagline': '管理您 KVM 主机上的虚拟机',

  'nav.dashboard': '仪表盘',
  'nav.nodes': '节点',
  'nav.vms': '虚拟机',
  'nav.storage': '存储',
  'nav.network': '网络',
  'nav.tasks': '任务',
  'nav.audit': '审计',
  'nav.admin': '系统管理',
  'nav.users': '用户',
  'nav.roles': '角色',
  'nav.settings': '设置',

  'header.language': '语言',
  'header.logout': '退出登录',
  'header.collapse': '收起菜单',
  'header.expand': '展开菜单',

  'login.title': '登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.usernameRequired': '请输入用户名',
  'login.passwordRequired': '请输入密码',
  'login.invalidCredentials': '用户名或密码错误',
  'login.tooManyAttempts': '登录尝试次数过多',
  'login.failed': '登录失败',

  'notFound.title': '页面不存在',
  'notFound.back': '返回仪表盘',

  'error.network': '无法连接到管理服务器',
  'error.badRequest': '请求被拒绝',
  'error.unauthorized': '您尚未登录',
  'error.forbidden': '您没有执行此操作的权限',
  'error.notFound': '未找到',
  'error.conflict': '与当前状态冲突',
  'error.tooMany': '请求过于频繁，请稍后再试',
  'error.server': '管理服务器返回了错误',
  'error.unknown': '请求失败',
  'error.sessionExpired': '会话已结束，请重新登录。',
};

/** Simplified Chinese messages; typed against the English keys so none can be missing. */
export const zhCN: Record<MessageKey, string> = {
  ...core,
  ...common.zh,
  ...dashboard.zh,
  ...nodes.zh,
  ...vms.zh,
  ...vmDetail.zh,
  ...consoleArea.zh,
  ...storage.zh,
  ...network.zh,
  ...tasks.zh,
  ...audit.zh,
  ...users.zh,
  ...roles.zh,
  ...settings.zh,
};
