/** A page of a list endpoint: `?page=&pageSize=&sort=field:dir&q=&<field>=`. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
