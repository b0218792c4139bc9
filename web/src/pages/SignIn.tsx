import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { send } from '../api';
import { errorText, useI18n } from '../i18n';
import type { Me } from '../me';

export default function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t, lang, setLang } = useI18n();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (values: { login: string; password: string }) => {
    setBusy(true);
    setError('');
    try {
      onSignedIn(await send<Me>('POST', '/api/session', values));
    } catch (e) {
      setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: 96 }}>
      <Card style={{ width: 380 }}>
        <Typography.Title level={1} style={{ fontSize: 22 }}>
          {t('app')}
        </Typography.Title>
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label={t('login')} name="login" rules={[{ required: true, message: t('login') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('password')} name="password" rules={[{ required: true, message: t('password') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error && <Alert type="error" message={error} style={{ marginBottom: 16 }} role="alert" />}
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('signIn')}
          </Button>
        </Form>
        <Button type="link" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')} style={{ marginTop: 8 }}>
          {t('language')}
        </Button>
      </Card>
    </main>
  );
}
