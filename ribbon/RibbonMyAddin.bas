Attribute VB_Name = "RibbonMyAddin"
#Const App = "Microsoft Excel" 'The generated UDF wrappers below test this constant
' zhenggai (zheng gai zhu shou) - ribbon callback of zhenggai.xlam.
'
' Every button of the ribbon tab calls OnAction. The button's tag is the name of a
' Python action (addin.excel.actions.ACTIONS); the Python dispatcher runs it against
' the active workbook and shows every message itself, in Chinese.
'
' Keep this module ASCII only: the VBA project's code page is 1252, so Chinese text
' is built at run time from Unicode code points (ZgText). No Option Explicit: the
' UDF wrappers that xlwings generates below use undeclared variables.
' The build (addin/excel/xlam.py) appends, after this text, RegisterZhenggaiFunctions
' (the Insert Function help of the ZG_ functions, generated from the same metadata as
' the wrappers; ThisWorkbook's Workbook_Open calls it) and then those wrappers.

Public Sub OnAction(control As IRibbonControl)
    If ActiveWorkbook Is Nothing Then
        ' No workbook open, or the only one is in Protected View
        MsgBox ZgText("8BF7 5148 6253 5F00 8981 5904 7406 7684 53F0 8D26 5DE5 4F5C 7C3F 3002 5982 679C 5DE5 4F5C 7C3F 5904 4E8E 201C 53D7 4FDD 62A4 7684 89C6 56FE 201D FF0C 8BF7 5148 70B9 51FB 201C 542F 7528 7F16 8F91 201D 3002"), _
            vbExclamation, ZgText("6574 6539 52A9 624B")
        Exit Sub
    End If
    RunPython "import addin.excel.ribbon as r; r.dispatch('" & control.Tag & "')"
End Sub

Private Function ZgText(ByVal codes As String) As String
    ' Unicode text from space-separated hexadecimal code points
    Dim parts() As String
    Dim i As Long
    parts = Split(codes, " ")
    For i = LBound(parts) To UBound(parts)
        ZgText = ZgText & ChrW(CLng("&H" & parts(i)))
    Next i
End Function
