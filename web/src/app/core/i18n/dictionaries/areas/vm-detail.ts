/** Messages of one VM's page (`vmDetail.*`); `zh` is typed against `en` so no key can be missing. */
export const en = {
  'vmDetail.tab.overview': 'Overview',
  'vmDetail.tab.disks': 'Disks',
  'vmDetail.tab.nics': 'Network interfaces',
  'vmDetail.tab.snapshots': 'Snapshots',
  'vmDetail.tab.console': 'Console',
  'vmDetail.tab.tasks': 'Tasks',

  'vmDetail.notFound': 'Virtual machine not found',
  'vmDetail.backToList': 'Back to the list',
  'vmDetail.unmanaged': 'Unmanaged',
  'vmDetail.taskProgress': 'Progress of {type}',

  'vmDetail.action.start': 'Start',
  'vmDetail.action.shutdown': 'Shut down',
  'vmDetail.action.stop': 'Power off',
  'vmDetail.action.reboot': 'Reboot',
  'vmDetail.action.suspend': 'Suspend',
  'vmDetail.action.resume': 'Resume',
  'vmDetail.action.clone': 'Clone',
  'vmDetail.action.adopt': 'Adopt',

  'vmDetail.confirm.stop.title': 'Power off {name}?',
  'vmDetail.confirm.stop.body':
    'The VM stops at once, like pulling the plug: unsaved data in the guest is lost. Prefer "Shut down" when the guest can still respond.',
  'vmDetail.confirm.reboot.title': 'Reboot {name}?',
  'vmDetail.confirm.reboot.body':
    'The guest is asked to restart; its sessions and connections are interrupted.',

  'vmDetail.shutdown.title': 'Shut down {name}',
  'vmDetail.shutdown.body': 'The guest is asked to shut down (ACPI power button).',
  'vmDetail.shutdown.timeout': 'Wait (seconds)',
  'vmDetail.shutdown.force': 'Power off if it has not stopped by then',

  'vmDetail.delete.body': 'The VM is removed from its node and from Paddock.',
  'vmDetail.delete.disks': 'Also delete its disks ({count})',
  'vmDetail.delete.running': 'The VM is running: it will be powered off first.',

  'vmDetail.edit.title': 'Edit {name}',
  'vmDetail.edit.resizeNeedsStop': 'vCPUs and memory can be changed only while the VM is stopped.',

  'vmDetail.clone.title': 'Clone {name}',
  'vmDetail.clone.name': 'Name of the clone',
  'vmDetail.clone.mode': 'Disks',
  'vmDetail.clone.full': 'Full copy',
  'vmDetail.clone.linked': 'Linked',
  'vmDetail.clone.fullHint': 'Every disk is copied: slower, and the clone is independent of this VM.',
  'vmDetail.clone.linkedHint':
    "This VM's disks become a read-only base under two overlays, one per VM: fast and small. Not while it has snapshots.",
  'vmDetail.clone.needsStopped': 'Stop the VM to clone it',

  'vmDetail.form.nameRule':
    'Up to {max} characters: letters, digits, dot, dash and underscore, starting with a letter or digit',
  'vmDetail.form.tooLong': 'At most {max} characters',
  'vmDetail.form.tagsRule': 'At most {max} tags of up to {length} characters each',
  'vmDetail.form.tagsHint': 'Type a tag and press Enter',
  'vmDetail.form.range': 'Between {min} and {max}',

  'vmDetail.vcpu': 'vCPUs',
  'vmDetail.memory': 'Memory',
  'vmDetail.memoryMb': 'Memory (MiB)',
  'vmDetail.diskCount': '{count} disk(s)',
  'vmDetail.nicCount': '{count} interface(s)',
  'vmDetail.cdrom': 'CD-ROM',
  'vmDetail.managed': 'Managed by Paddock',
  'vmDetail.tags': 'Tags',
  'vmDetail.uuid': 'UUID',

  'vmDetail.disks.size': 'Size',
  'vmDetail.disks.format': 'Format',
  'vmDetail.disks.pool': 'Pool',
  'vmDetail.disks.path': 'Path on the node',
  'vmDetail.disks.none': 'This VM has no disks',

  'vmDetail.nics.network': 'Network',
  'vmDetail.nics.bridge': 'Bridge',
  'vmDetail.nics.mac': 'MAC address',
  'vmDetail.nics.none': 'This VM has no network interfaces',

  'vmDetail.snapshots.create': 'Take snapshot',
  'vmDetail.snapshots.none': 'No snapshots yet',
  'vmDetail.snapshots.revert': 'Revert',
  'vmDetail.snapshots.revertTitle': 'Revert to {name}?',
  'vmDetail.snapshots.revertBody':
    'The VM returns to the state of this snapshot; changes made since are lost.',
  'vmDetail.snapshots.deleteBody': 'The snapshot is removed; the VM itself does not change.',

  'vmDetail.tasks.progress': 'Progress',
  'vmDetail.tasks.error': 'Error',
  'vmDetail.tasks.none': 'No tasks for this VM',
  'vmDetail.tasks.all': 'All tasks of this VM in the task center',
} satisfies Record<string, string>;

export const zh: Record<keyof typeof en, string> = {
  'vmDetail.tab.overview': '概览',
  'vmDetail.tab.disks': '磁盘',
  'vmDetail.tab.nics': '网卡',
  'vmDetail.tab.snapshots': '快照',
  'vmDetail.tab.console': '控制台',
  'vmDetail.tab.tasks': '任务',

  'vmDetail.notFound': '找不到该虚拟机',
  'vmDetail.backToList': '返回列表',
  'vmDetail.unmanaged': '未纳管',
  'vmDetail.taskProgress': '{type} 的进度',

  'vmDetail.action.start': '启动',
  'vmDetail.action.shutdown': '关机',
  'vmDetail.action.stop': '断电',
  'vmDetail.action.reboot': '重启',
  'vmDetail.action.suspend': '挂起',
  'vmDetail.action.resume': '恢复',
  'vmDetail.action.clone': '克隆',
  'vmDetail.action.adopt': '纳管',

  'vmDetail.confirm.stop.title': '确定为 {name} 断电？',
  'vmDetail.confirm.stop.body':
    '虚拟机会立即停止，如同拔掉电源：客户机中未保存的数据将丢失。客户机仍能响应时请优先使用“关机”。',
  'vmDetail.confirm.reboot.title': '确定重启 {name}？',
  'vmDetail.confirm.reboot.body': '将请求客户机重启，其会话和连接会中断。',

  'vmDetail.shutdown.title': '关闭 {name}',
  'vmDetail.shutdown.body': '将请求客户机关机（ACPI 电源键）。',
  'vmDetail.shutdown.timeout': '等待（秒）',
  'vmDetail.shutdown.force': '到时仍未停止则断电',

  'vmDetail.delete.body': '虚拟机将从其节点和 Paddock 中移除。',
  'vmDetail.delete.disks': '同时删除其磁盘（{count} 个）',
  'vmDetail.delete.running': '虚拟机正在运行：将先断电。',

  'vmDetail.edit.title': '编辑 {name}',
  'vmDetail.edit.resizeNeedsStop': '只有在虚拟机停止时才能修改 vCPU 和内存。',

  'vmDetail.clone.title': '克隆 {name}',
  'vmDetail.clone.name': '克隆的名称',
  'vmDetail.clone.mode': '磁盘',
  'vmDetail.clone.full': '完整复制',
  'vmDetail.clone.linked': '链接克隆',
  'vmDetail.clone.fullHint': '复制每块磁盘：较慢，克隆与本虚拟机互不依赖。',
  'vmDetail.clone.linkedHint':
    '本虚拟机的磁盘成为只读基础镜像，两台虚拟机各自写入自己的覆盖层：快且占用小。有快照时不可用。',
  'vmDetail.clone.needsStopped': '停止虚拟机后才能克隆',

  'vmDetail.form.nameRule': '最多 {max} 个字符：字母、数字、点、短横线和下划线，以字母或数字开头',
  'vmDetail.form.tooLong': '最多 {max} 个字符',
  'vmDetail.form.tagsRule': '最多 {max} 个标签，每个最多 {length} 个字符',
  'vmDetail.form.tagsHint': '输入标签后按回车',
  'vmDetail.form.range': '介于 {min} 和 {max} 之间',

  'vmDetail.vcpu': 'vCPU',
  'vmDetail.memory': '内存',
  'vmDetail.memoryMb': '内存（MiB）',
  'vmDetail.diskCount': '{count} 块磁盘',
  'vmDetail.nicCount': '{count} 个网卡',
  'vmDetail.cdrom': '光驱',
  'vmDetail.managed': '由 Paddock 管理',
  'vmDetail.tags': '标签',
  'vmDetail.uuid': 'UUID',

  'vmDetail.disks.size': '大小',
  'vmDetail.disks.format': '格式',
  'vmDetail.disks.pool': '存储池',
  'vmDetail.disks.path': '节点上的路径',
  'vmDetail.disks.none': '该虚拟机没有磁盘',

  'vmDetail.nics.network': '网络',
  'vmDetail.nics.bridge': '网桥',
  'vmDetail.nics.mac': 'MAC 地址',
  'vmDetail.nics.none': '该虚拟机没有网卡',

  'vmDetail.snapshots.create': '创建快照',
  'vmDetail.snapshots.none': '暂无快照',
  'vmDetail.snapshots.revert': '回滚',
  'vmDetail.snapshots.revertTitle': '确定回滚到 {name}？',
  'vmDetail.snapshots.revertBody': '虚拟机将回到该快照时的状态，之后的更改将丢失。',
  'vmDetail.snapshots.deleteBody': '快照将被删除，虚拟机本身不变。',

  'vmDetail.tasks.progress': '进度',
  'vmDetail.tasks.error': '错误',
  'vmDetail.tasks.none': '该虚拟机暂无任务',
  'vmDetail.tasks.all': '在任务中心查看该虚拟机的全部任务',
};
