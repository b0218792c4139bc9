// Vietnamese first, English second: the words of the screens, and the
// Vietnamese formats of money, numbers and dates.
import { createContext, useContext } from 'react';
import dayjs from 'dayjs';
import type { ApiErrorBody } from './api';

export type Lang = 'vi' | 'en';

const words = {
  app: ['TDCS – Tín dụng chính sách', 'TDCS – Policy credit'],
  signIn: ['Đăng nhập', 'Sign in'],
  signOut: ['Đăng xuất', 'Sign out'],
  login: ['Tên đăng nhập', 'Login'],
  password: ['Mật khẩu', 'Password'],
  changePassword: ['Đổi mật khẩu', 'Change password'],
  currentPassword: ['Mật khẩu hiện tại', 'Current password'],
  newPassword: ['Mật khẩu mới', 'New password'],
  role: ['Vai trò', 'Role'],
  area: ['Địa bàn', 'Area'],
  dashboard: ['Tổng quan', 'Dashboard'],
  network: ['Mạng lưới', 'Network'],
  borrowers: ['Hộ vay', 'Borrowers'],
  lending: ['Cho vay', 'Lending'],
  session: ['Giao dịch xã', 'Commune session'],
  approvals: ['Chờ duyệt', 'Approvals'],
  reports: ['Báo cáo', 'Reports'],
  entrusted: ['Đối chiếu, kiểm tra', 'Oversight'],
  audit: ['Nhật ký', 'Audit trail'],
  users: ['Người dùng', 'Users'],
  settings: ['Cài đặt', 'Settings'],
  date: ['Ngày', 'Date'],
  search: ['Tìm kiếm', 'Search'],
  searchHint: ['Tên (không cần dấu), số CCCD hoặc mã khách hàng', 'Name (no diacritics needed), citizen ID or customer code'],
  outstanding: ['Tổng dư nợ', 'Outstanding'],
  overdue: ['Nợ quá hạn', 'Overdue'],
  frozen: ['Nợ khoanh', 'Frozen'],
  customers: ['Khách hàng còn dư nợ', 'Customers with outstanding'],
  groups: ['Tổ TK&VV', 'Savings groups'],
  growth: ['Tăng so với đầu năm', 'Growth since 1 January'],
  plan: ['Kế hoạch năm', "Year's plan"],
  byProgram: ['Dư nợ theo chương trình', 'Outstanding by program'],
  byAssociation: ['Dư nợ ủy thác theo hội', 'Outstanding by association'],
  trend: ['Dư nợ 12 tháng', 'Outstanding, 12 months'],
  ratios: ['Tỷ lệ nợ quá hạn và nợ khoanh', 'Overdue and frozen ratios'],
  ratings: ['Xếp loại tổ', 'Group ratings'],
  attainment: ['Hoàn thành kế hoạch', 'Plan attainment'],
  code: ['Mã', 'Code'],
  name: ['Tên', 'Name'],
  citizenId: ['Số CCCD', 'Citizen ID'],
  birthDate: ['Ngày sinh', 'Birth date'],
  address: ['Địa chỉ', 'Address'],
  group: ['Tổ', 'Group'],
  point: ['Điểm giao dịch', 'Commune point'],
  office: ['Phòng giao dịch', 'Office'],
  loans: ['Khoản vay', 'Loans'],
  loan: ['Khoản vay', 'Loan'],
  program: ['Chương trình', 'Program'],
  status: ['Trạng thái', 'Status'],
  amount: ['Số tiền', 'Amount'],
  principal: ['Dư nợ gốc', 'Principal'],
  savings: ['Tiền gửi tiết kiệm', 'Savings'],
  schedule: ['Lịch trả nợ', 'Schedule'],
  transactions: ['Giao dịch', 'Transactions'],
  reconciliation: ['Đối chiếu', 'Reconciliation'],
  reconciliations: ['Đối chiếu nợ (15/TD)', 'Debt reconciliations (15/TD)'],
  discrepancy: ['Chênh lệch', 'Discrepancy'],
  repeated: ['Đã ghi từ lần gửi trước; không ghi thêm', 'Posted by the earlier attempt; nothing more posted'],
  note: ['Ghi chú', 'Note'],
  answer: ['Trả lời', 'Answer'],
  resolution: ['Xử lý', 'Resolution'],
  savingsMovements: ['Giao dịch tiền gửi', 'Savings movements'],
  apply: ['Lập hồ sơ vay', 'New application'],
  approve: ['Phê duyệt', 'Approve'],
  reject: ['Từ chối', 'Reject'],
  disburse: ['Giải ngân', 'Disburse'],
  termMonths: ['Thời hạn (tháng)', 'Term (months)'],
  borrower: ['Hộ vay', 'Borrower'],
  submit: ['Ghi', 'Save'],
  cancel: ['Hủy', 'Cancel'],
  confirm: ['Xác nhận', 'Confirm'],
  journal: ['Bút toán sẽ ghi', 'Journal entry to be posted'],
  actions: ['Nghiệp vụ', 'Actions'],
  pay: ['Thu nợ', 'Payment'],
  kind: ['Loại', 'Kind'],
  months: ['Số tháng', 'Months'],
  heir: ['Người thừa kế', 'Heir'],
  pending: ['Chờ người thứ hai duyệt', 'Waiting for a second person'],
  posted: ['Đã ghi', 'Posted'],
  pickPoint: ['Chọn điểm giao dịch và ngày giao dịch', 'Pick a commune point and session date'],
  interestPaid: ['Lãi thu', 'Interest paid'],
  principalPaid: ['Gốc thu', 'Principal paid'],
  savingsPaid: ['Tiết kiệm', 'Savings'],
  interestDue: ['Lãi phải thu', 'Interest due'],
  principalDue: ['Gốc đến hạn', 'Principal due'],
  savingsDue: ['Tiết kiệm dự kiến', 'Savings expected'],
  total: ['Cộng', 'Total'],
  postGroup: ['Ghi sổ tổ này', 'Post this group'],
  postAll: ['Ghi sổ tất cả', 'Post all'],
  counted: ['Tiền mặt đếm được', 'Cash counted'],
  keptLocally: ['Đã lưu trên máy, chưa ghi sổ', 'Kept on this device, not yet posted'],
  short: ['thu thiếu', 'short'],
  over: ['thu thừa', 'over'],
  print: ['In', 'Print'],
  exportXlsx: ['Xuất Excel', 'Export to Excel'],
  unit: ['Đơn vị', 'Unit'],
  report: ['Báo cáo', 'Report'],
  show: ['Xem', 'Show'],
  actor: ['Người thực hiện', 'Actor'],
  action: ['Thao tác', 'Action'],
  subject: ['Đối tượng', 'Subject'],
  when: ['Thời điểm', 'When'],
  add: ['Thêm', 'Add'],
  disable: ['Khóa', 'Disable'],
  members: ['Thành viên', 'Members'],
  sessionDay: ['Ngày giao dịch', 'Session day'],
  loading: ['Đang tải…', 'Loading…'],
  nothing: ['Không có dữ liệu', 'No data'],
  maker: ['Người lập', 'Maker'],
  decided: ['Đã quyết định', 'Decided'],
  reason: ['Lý do', 'Reason'],
  language: ['English', 'Tiếng Việt'],
  notFound: ['Không tìm thấy', 'Not found'],
  from: ['Từ ngày', 'From'],
  rate: ['Lãi suất (%/tháng)', 'Rate (% a month)'],
  holidays: ['Ngày nghỉ', 'Holidays'],
  value: ['Giá trị', 'Value'],
  sendRequest: ['Gửi đề nghị', 'Send the request'],
  choose: ['Hãy chọn một giá trị', 'Choose one'],
} as const;

export type Word = keyof typeof words;

export interface I18n {
  lang: Lang;
  t: (word: Word) => string;
  setLang: (lang: Lang) => void;
}

export const I18nContext = createContext<I18n>({
  lang: 'vi',
  t: (word) => words[word][0],
  setLang: () => {},
});

export function makeI18n(lang: Lang, setLang: (lang: Lang) => void): I18n {
  return { lang, setLang, t: (word) => words[word][lang === 'vi' ? 0 : 1] };
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}

// Money in đồng the Vietnamese way: 5.171.000.000 đ.
const number = new Intl.NumberFormat('vi-VN');
export function dong(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return number.format(value) + ' đ';
}
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return number.format(value);
}
// 5.171 tỷ đồng, 726,4 triệu: the way the reports round.
export function dongShort(value: number, lang: Lang): string {
  const abs = Math.abs(value);
  const fmt = (n: number, digits: number) =>
    new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US', { maximumFractionDigits: digits }).format(n);
  if (abs >= 1e9) return fmt(value / 1e9, 1) + (lang === 'vi' ? ' tỷ đồng' : ' bn đồng');
  if (abs >= 1e6) return fmt(value / 1e6, 1) + (lang === 'vi' ? ' triệu đồng' : ' m đồng');
  return dong(value);
}
// Basis points as a percentage: 179 → "1,79 %".
export function percentBp(bp: number | null | undefined): string {
  if (bp === null || bp === undefined) return '–';
  return new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }).format(bp / 100) + ' %';
}
export function viDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  return dayjs(iso).format('DD/MM/YYYY');
}

export function errorText(error: unknown, lang: Lang): string {
  const body = (error as { body?: ApiErrorBody }).body;
  if (!body) return String(error);
  const message = lang === 'vi' ? body.message_vi : body.message_en;
  return body.field ? `${message} (${body.field})` : message;
}

// A select's rule "something must be chosen", without `required` (antd would
// put aria-required on the select's box, which that element may not carry).
export function chosen(t: (word: Word) => string) {
  return {
    validator: (_: unknown, value: unknown) =>
      value !== undefined && value !== null && value !== ''
        ? Promise.resolve()
        : Promise.reject(new Error(t('choose'))),
  };
}
