// A refusal's reason, typed by the person refusing: the confirm button
// stays disabled until there is one (the server also requires it).
import { Input } from 'antd';
import type { HookAPI } from 'antd/es/modal/useModal';
import type { Word } from './i18n';

export function askReason(modal: HookAPI, t: (word: Word) => string, title: string): Promise<string | null> {
  return new Promise((resolve) => {
    let reason = '';
    const dialog = modal.confirm({
      title,
      content: (
        <Input.TextArea
          aria-label={t('reason')}
          placeholder={t('reason')}
          maxLength={500}
          autoFocus
          onChange={(e) => {
            reason = e.target.value;
            dialog.update({ okButtonProps: { danger: true, disabled: !reason.trim() } });
          }}
        />
      ),
      okText: t('reject'),
      cancelText: t('cancel'),
      okButtonProps: { danger: true, disabled: true },
      onOk: () => resolve(reason.trim()),
      onCancel: () => resolve(null),
    });
  });
}
