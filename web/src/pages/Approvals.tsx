// The maker-checker queue: requests waiting for a second person.
import { useEffect, useState } from 'react';
import { App, Button, Segmented, Space, Table, Tag } from 'antd';
import { get, send } from '../api';
import { dong, errorText, useI18n, viDate } from '../i18n';
import { may, useMe } from '../me';
import { askReason } from '../reason';

interface Request {
  id: number;
  kind: string;
  loan: string;
  date: string;
  amount_dong: number | null;
  rate_percent: string | null;
  maker: string;
  status: string;
  checker: string | null;
  reason: string | null;
}

export default function Approvals() {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message, modal } = App.useApp();
  const [status, setStatus] = useState('pending');
  const [requests, setRequests] = useState<Request[]>([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    get<{ requests: Request[] }>('/api/approvals', { status })
      .then((r) => setRequests(r.requests))
      .catch((e) => message.error(errorText(e, lang)));
  }, [status, version, lang, message]);
  const decide = async (id: number, approve: boolean) => {
    const reason = approve ? undefined : await askReason(modal, t, `${t('reject')} — #${id}`);
    if (reason === null) return;
    try {
      await send('POST', `/api/approvals/${id}`, { approve, reason });
      setVersion((v) => v + 1);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Segmented value={status} onChange={(v) => setStatus(String(v))} options={['pending', 'approved', 'rejected', 'all']} />
      <Table<Request>
        rowKey="id"
        size="small"
        dataSource={requests}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: '#', dataIndex: 'id' },
          { title: t('kind'), dataIndex: 'kind', render: (k: string) => <Tag>{k}</Tag> },
          { title: t('subject'), dataIndex: 'loan' },
          { title: t('date'), dataIndex: 'date', render: viDate },
          { title: t('amount'), render: (_, r) => (r.rate_percent ? `${r.rate_percent} %` : dong(r.amount_dong)) },
          { title: t('maker'), dataIndex: 'maker' },
          { title: t('status'), dataIndex: 'status' },
          {
            title: '',
            render: (_, r) =>
              r.status === 'pending' && r.maker !== me.login && (may(me, 'approve') || may(me, 'settings')) ? (
                <Space>
                  <Button size="small" type="primary" onClick={() => decide(r.id, true)}>
                    {t('approve')}
                  </Button>
                  <Button size="small" danger onClick={() => decide(r.id, false)}>
                    {t('reject')}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
    </Space>
  );
}
