/* W1 peer: the R1 content written by calling libxlsxwriter directly (the same rows as
 * tianbao-bench write and bench/peers.py write). Usage: lxw_write OUT ROWS [constant_memory] */
#include <stdio.h>
#include <stdlib.h>
#include <xlsxwriter.h>

static const char *districts[] = {"江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "洪山区", "青山区", "蔡甸区", "江夏区",
                                  "黄陂区", "新洲区", "东湖高新区", "经开区", "临空港", "东湖风景区"};
static const char *statuses[] = {"未开工", "在建", "已完工"};
static const char *headers[] = {"小区名称", "所在区", "开工日期", "户数", "计划投资", "状态", "备注", "完成率", "加装电梯", "楼栋数", "完工日期", "合计"};

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int rows = atoi(argv[2]);
    lxw_workbook_options options = {.constant_memory = argc > 3};
    lxw_workbook *wb = workbook_new_opt(argv[1], &options);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "小区台账");
    lxw_format *date = workbook_add_format(wb), *pct = workbook_add_format(wb), *money = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    format_set_num_format(pct, "0.0%");
    format_set_num_format(money, "0.00");
    for (int c = 0; c < 12; c++) worksheet_write_string(ws, 0, c, headers[c], NULL);
    char name[64], note[96], formula[32];
    for (int i = 1; i <= rows; i++) {
        double households = 100 + i % 900, buildings = 1 + i % 30;
        snprintf(name, sizeof name, "和平社区%d号", i % 5000);
        snprintf(note, sizeof note, "第%d批改造项目,含雨污分流", i % 200);
        snprintf(formula, sizeof formula, "=D%d+J%d", i + 1, i + 1);
        worksheet_write_string(ws, i, 0, name, NULL);
        worksheet_write_string(ws, i, 1, districts[i % 15], NULL);
        worksheet_write_number(ws, i, 2, 43831.0 + i % 700, date);
        worksheet_write_number(ws, i, 3, households, NULL);
        worksheet_write_number(ws, i, 4, (i % 100000) / 100.0 + 0.25, money);
        worksheet_write_string(ws, i, 5, statuses[i % 3], NULL);
        worksheet_write_string(ws, i, 6, note, NULL);
        worksheet_write_number(ws, i, 7, (i % 101) / 100.0, pct);
        worksheet_write_boolean(ws, i, 8, i % 2 == 0, NULL);
        worksheet_write_number(ws, i, 9, buildings, NULL);
        worksheet_write_number(ws, i, 10, 44197.0 + i % 365, date);
        worksheet_write_formula_num(ws, i, 11, formula, NULL, households + buildings);
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
