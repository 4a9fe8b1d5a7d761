"""A messy responsibility roster workbook as a county keeps it (used by the roster, owner and UDF tests)."""

from __future__ import annotations

from tests.helpers.book import SheetSpec
from tests.helpers.ids import make_id

ID_WANG = make_id("19600312", 11)
ID_LI = make_id("19650721", 42)

# A village sheet as a township office types it: attachment label, title, 填报单位 line,
# a two-row header with 驻村工作队 over 第一书记 / 队长, and 乡镇 merged down over its villages.
VILLAGE_SHEET = SheetSpec(
    "村级",
    ["序号", "乡（镇）", "行政村", "包村干部", "村党支部书记", "驻村工作队", None, "是否\n贫困村"],
    [
        [1, "沙窝镇", "沙坪村", "刘建国", "王德贵", "陈志强", "陈志强", "是"],
        [2, None, "王湾村", "刘建国（副镇长）", "李长顺", "周海波", "吴刚", "否"],
        [3, "新集镇", "杨河村", "胡卫东", "张友全", "黄文杰", "黄文杰", "√"],
    ],
    above=[["附件3"], ["沙窝镇、新集镇村级脱贫责任体系花名册"], ["填报单位（盖章）：县脱贫攻坚指挥部办公室"]],
    header2=[None, None, None, None, None, "第一书记", "队长", None],
    merges=["A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:E5", "F4:G4", "H4:H5", "B6:B7", "A2:H2"],
)
HELPER_SHEET = SheetSpec(
    "包户",
    ["户号", "户主", "身份证号码", "结对帮扶责任人", "工作单位", "职务", "包户干部", "所在村"],
    [
        ["411523002001001", "王大山", ID_WANG, "蔡明 13912345678", "县住建局", "科员", "王德贵", "沙坪村"],
        ["411523002002001", "李桂英", ID_LI, "邓华", "沙窝镇人民政府", "干部", "李长顺", "王湾村"],
        ["411523001001001", "王大山", make_id("19700201", 13), "吕文", "县水利局", "股长", "张友全", "杨河村"],
    ],
    above=[["帮扶责任人及包户干部花名册"]],
    text_columns=(1, 3),
)
TOWNSHIP_SHEET = SheetSpec(
    "乡镇",
    ["序号", "乡镇", "包乡县处级领导", "党委书记", "乡镇长", "分管扶贫副乡镇长", "扶贫专干", "所属督查组"],
    [
        [1, "沙窝镇", "郑国华", "彭建军", "余海燕", "程立新", "汪小红", "第一督查巡查组"],
        [2, "新集镇", "方志远", "罗振山", "詹秀英", "卢海涛", "熊丽", "第二组"],
    ],
)
DEPARTMENT_SHEET = SheetSpec(
    "部门",
    ["序号", "单位名称", "主要负责人", "分管县领导", "对口问题类别", "督查组"],
    [
        [1, "县扶贫办", "江海", "方志远", "C01、C02、C03", "第一组"],
        [2, "县住建局", "夏光明", "郑国华", "住房安全", "第三组"],
        [3, "县财政局", "高建设", "郑国华", None, "第三组"],
    ],
)
DISCIPLINE_SHEET = SheetSpec(
    "督查",
    ["机构", "负责人", "联系人", "联系电话", "联系乡镇"],
    [
        ["县纪委监委", "柯建华", "叶小兵", "0376-2981234", None],
        ["县委组织部", "袁立平", "舒晓燕", "0376-2982345", None],
        ["第一督查巡查组", "曹德明", "易红", "13812345678", "沙窝镇；县住建局"],
        ["第二督查巡查组", "许卫国", "丁慧", "13812345679", None],
    ],
)
ALL_SHEETS = (VILLAGE_SHEET, HELPER_SHEET, TOWNSHIP_SHEET, DEPARTMENT_SHEET, DISCIPLINE_SHEET)
