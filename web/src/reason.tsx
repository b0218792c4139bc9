// A text the person acting must type themselves — a refusal's reason, what a
// household said differs: the confirm button stays disabled until there is
// one (the server also requires it). Resolves null when cancelled.
import { useState } from 'react';
import { Button, Input, Space } from 'antd';
import type { HookAPI } from 'antd/es/modal/useModal';
import type { Word } from './i18n';

interface Ask {
  title: string;
  label: Word;
  ok: Word;
  danger?: boolean;
}

function TextPrompt({ t, o, done }: { t: (word: Word) => string; o: Ask; done: (text: string | null) => void }) {
  const [text, setText] = useState('');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Input.TextArea aria-label={t(o.label)} placeholder={t(o.label)} maxLength={500} autoFocus value={text} onChange={(e) => setText(e.target.value)} />
      <Space style={{ justifyContent: 'flex-end', width: '100%' }}>
        <Button onClick={() => done(null)}>{t('cancel')}</Button>
        <Button type="primary" danger={o.danger} disabled={!text.trim()} onClick={() => done(text.trim())}>
          {t(o.ok)}
        </Button>
      </Space>
    </Space>
  );
}

export function askText(modal: HookAPI, t: (word: Word) => string, o: Ask): Promise<string | null> {
  return new Promise((resolve) => {
    const dialog = modal.confirm({
      title: o.title,
      footer: null,
      content: (
        <TextPrompt
          t={t}
          o={o}
          done={(text) => {
            dialog.destroy();
            resolve(text);
          }}
        />
      ),
      onCancel: () => resolve(null),
    });
  });
}

export function askReason(modal: HookAPI, t: (word: Word) => string, title: string): Promise<string | null> {
  return askText(modal, t, { title, label: 'reason', ok: 'reject', danger: true });
}
