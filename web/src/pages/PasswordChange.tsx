import { useState } from 'react';
import { App, Button, Form, Input, Modal } from 'antd';
import { send } from '../api';
import { errorText, useI18n } from '../i18n';

export default function PasswordChange() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const submit = async () => {
    const values = await form.validateFields();
    try {
      await send('POST', '/api/session/password', values);
      message.success(t('changePassword'));
      setOpen(false);
      window.location.reload(); // every session of the user ended
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {t('changePassword')}
      </Button>
      <Modal open={open} title={t('changePassword')} onOk={submit} onCancel={() => setOpen(false)} okText={t('submit')} cancelText={t('cancel')}>
        <Form form={form} layout="vertical">
          <Form.Item label={t('currentPassword')} name="current_password" rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item label={t('newPassword')} name="password" rules={[{ required: true, min: 12 }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
