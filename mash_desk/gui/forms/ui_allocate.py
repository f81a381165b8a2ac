# source-sha256: 8826d48710185b7c347ed5364a375efc8ca9f8ee474afa859d5500ef13993a2e
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'allocate.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit,
    QSizePolicy, QVBoxLayout, QWidget)

class Ui_AllocateDialog(object):
    def setupUi(self, AllocateDialog):
        if not AllocateDialog.objectName():
            AllocateDialog.setObjectName(u"AllocateDialog")
        AllocateDialog.resize(560, 280)
        self.mainLayout = QVBoxLayout(AllocateDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.subjectLabel = QLabel(AllocateDialog)
        self.subjectLabel.setObjectName(u"subjectLabel")
        self.subjectLabel.setWordWrap(True)
        self.subjectLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard|Qt.TextInteractionFlag.TextSelectableByMouse)

        self.mainLayout.addWidget(self.subjectLabel)

        self.formError = QLabel(AllocateDialog)
        self.formError.setObjectName(u"formError")
        self.formError.setWordWrap(True)

        self.mainLayout.addWidget(self.formError)

        self.fields = QFormLayout()
        self.fields.setObjectName(u"fields")
        self.teamLabel = QLabel(AllocateDialog)
        self.teamLabel.setObjectName(u"teamLabel")

        self.fields.setWidget(0, QFormLayout.ItemRole.LabelRole, self.teamLabel)

        self.teamColumn = QVBoxLayout()
        self.teamColumn.setObjectName(u"teamColumn")
        self.team = QComboBox(AllocateDialog)
        self.team.setObjectName(u"team")

        self.teamColumn.addWidget(self.team)

        self.teamError = QLabel(AllocateDialog)
        self.teamError.setObjectName(u"teamError")
        self.teamError.setWordWrap(True)

        self.teamColumn.addWidget(self.teamError)


        self.fields.setLayout(0, QFormLayout.ItemRole.FieldRole, self.teamColumn)

        self.workerLabel = QLabel(AllocateDialog)
        self.workerLabel.setObjectName(u"workerLabel")

        self.fields.setWidget(1, QFormLayout.ItemRole.LabelRole, self.workerLabel)

        self.workerColumn = QVBoxLayout()
        self.workerColumn.setObjectName(u"workerColumn")
        self.worker = QComboBox(AllocateDialog)
        self.worker.setObjectName(u"worker")

        self.workerColumn.addWidget(self.worker)

        self.workerError = QLabel(AllocateDialog)
        self.workerError.setObjectName(u"workerError")
        self.workerError.setWordWrap(True)

        self.workerColumn.addWidget(self.workerError)


        self.fields.setLayout(1, QFormLayout.ItemRole.FieldRole, self.workerColumn)

        self.reasonLabel = QLabel(AllocateDialog)
        self.reasonLabel.setObjectName(u"reasonLabel")

        self.fields.setWidget(2, QFormLayout.ItemRole.LabelRole, self.reasonLabel)

        self.reasonColumn = QVBoxLayout()
        self.reasonColumn.setObjectName(u"reasonColumn")
        self.reason = QPlainTextEdit(AllocateDialog)
        self.reason.setObjectName(u"reason")
        self.reason.setTabChangesFocus(True)

        self.reasonColumn.addWidget(self.reason)

        self.reasonError = QLabel(AllocateDialog)
        self.reasonError.setObjectName(u"reasonError")
        self.reasonError.setWordWrap(True)

        self.reasonColumn.addWidget(self.reasonError)


        self.fields.setLayout(2, QFormLayout.ItemRole.FieldRole, self.reasonColumn)


        self.mainLayout.addLayout(self.fields)

        self.buttons = QDialogButtonBox(AllocateDialog)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.mainLayout.addWidget(self.buttons)

#if QT_CONFIG(shortcut)
        self.teamLabel.setBuddy(self.team)
        self.workerLabel.setBuddy(self.worker)
        self.reasonLabel.setBuddy(self.reason)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.team, self.worker)
        QWidget.setTabOrder(self.worker, self.reason)
        QWidget.setTabOrder(self.reason, self.buttons)

        self.retranslateUi(AllocateDialog)

        QMetaObject.connectSlotsByName(AllocateDialog)
    # setupUi

    def retranslateUi(self, AllocateDialog):
        AllocateDialog.setWindowTitle(QCoreApplication.translate("AllocateDialog", u"Allocate work", None))
#if QT_CONFIG(accessibility)
        AllocateDialog.setAccessibleName(QCoreApplication.translate("AllocateDialog", u"Allocate work", None))
#endif // QT_CONFIG(accessibility)
        self.subjectLabel.setText("")
        self.formError.setText("")
#if QT_CONFIG(accessibility)
        self.formError.setAccessibleName(QCoreApplication.translate("AllocateDialog", u"Problems with this allocation", None))
#endif // QT_CONFIG(accessibility)
        self.teamLabel.setText(QCoreApplication.translate("AllocateDialog", u"&Team", None))
#if QT_CONFIG(accessibility)
        self.team.setAccessibleName(QCoreApplication.translate("AllocateDialog", u"Team", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.team.setAccessibleDescription(QCoreApplication.translate("AllocateDialog", u"The team the work is allocated to; choosing one narrows the workers", None))
#endif // QT_CONFIG(accessibility)
        self.teamError.setText("")
        self.workerLabel.setText(QCoreApplication.translate("AllocateDialog", u"&Worker *", None))
#if QT_CONFIG(accessibility)
        self.worker.setAccessibleName(QCoreApplication.translate("AllocateDialog", u"Worker (required)", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.worker.setAccessibleDescription(QCoreApplication.translate("AllocateDialog", u"The MASH worker who will hold the work", None))
#endif // QT_CONFIG(accessibility)
        self.workerError.setText("")
        self.reasonLabel.setText(QCoreApplication.translate("AllocateDialog", u"&Reason", None))
#if QT_CONFIG(accessibility)
        self.reason.setAccessibleName(QCoreApplication.translate("AllocateDialog", u"Reason", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.reason.setAccessibleDescription(QCoreApplication.translate("AllocateDialog", u"Why the work goes to this worker; required when it moves from someone else", None))
#endif // QT_CONFIG(accessibility)
        self.reason.setPlaceholderText(QCoreApplication.translate("AllocateDialog", u"Required when the work moves from one worker to another", None))
        self.reasonError.setText("")
    # retranslateUi

